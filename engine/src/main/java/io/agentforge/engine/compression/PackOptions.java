package io.agentforge.engine.compression;

/**
 * Which codec each tensor gets: a matrix holding only {−γ, 0, γ} is {@link Codec#TERNARY_BASE3} with
 * {@code ternaryScales}; any other matrix (embeddings, the head, full-precision projections) is {@code matrices} with
 * {@code matrixScales}; vectors (norms, biases) are {@link Codec#FP16}.
 *
 * @param matrices      {@link Codec#INT8_ROWS} (default), {@link Codec#INT4_GROUPS}, or {@link Codec#FP16} /
 *                      {@link Codec#FP32} to keep them unquantized
 * @param ternaryScales fp32 by default, so that the unpacked ternary matrices are bit for bit the exported ones
 * @param groupSize     elements per int4 group
 */
public record PackOptions(Codec matrices, ScaleType matrixScales, ScaleType ternaryScales, int groupSize) {

    public PackOptions {
        if (matrices == null || matrices == Codec.TERNARY_BASE3) {
            throw new IllegalArgumentException("matrices: must be int8_rows, int4_groups, fp16 or fp32, was " + matrices);
        }
        if (matrixScales == null || ternaryScales == null) {
            throw new IllegalArgumentException("scale_type: is required");
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("group_size: must be at least 1, was " + groupSize);
        }
    }

    public static PackOptions defaults() {
        return new PackOptions(Codec.INT8_ROWS, ScaleType.FP16, ScaleType.FP32, 64);
    }

    /** Int4 in groups of 64 for the matrices that are not ternary. */
    public static PackOptions int4() {
        return new PackOptions(Codec.INT4_GROUPS, ScaleType.FP16, ScaleType.FP32, 64);
    }

    Codec codecFor(int dimensions, float[] values) {
        if (dimensions < 2) {
            return Codec.FP16;
        }
        return Codec.isTernary(values) ? Codec.TERNARY_BASE3 : matrices;
    }

    ScaleType scaleTypeFor(Codec codec) {
        return switch (codec) {
            case TERNARY_BASE3 -> ternaryScales;
            case INT8_ROWS, INT4_GROUPS -> matrixScales;
            case FP16, FP32 -> null;
        };
    }
}
