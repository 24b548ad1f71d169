package io.agentforge.engine.compression;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one tensor becomes byte streams ({@code values}, and {@code scales} for the quantizing codecs) and back. All
 * multi-byte numbers are little-endian. Decoding is a pure function of the streams, so the tensor a reader gets is
 * exactly {@code decode(encode(x))}, the "quantised in memory" tensor.
 *
 * <ul>
 *   <li>{@code ternary_base3}: a tensor holding only {−γ, 0, γ}; five trits per byte, byte = Σ tᵢ·3ⁱ (t = 0 for 0, 1 for
 *       +γ, 2 for −γ; the last byte's unused trits are 0), γ as one scale. Lossless with fp32 scales (zeros come
 *       back as +0); fp16 scales round γ.</li>
 *   <li>{@code int8_rows}: per row (first axis) s = absmax / 127 stored as a scale, q = round(x / s) in [−127, 127];
 *       x ≈ q·s with s as stored.</li>
 *   <li>{@code int4_groups}: per group of {@code groupSize} consecutive elements s = absmax / 7, q in [−7, 7], two
 *       per byte as q + 8 (low nibble first; an odd tail's high nibble is 0).</li>
 *   <li>{@code fp16}, {@code fp32}: the values themselves.</li>
 * </ul>
 */
public enum Codec {
    @JsonProperty("ternary_base3") TERNARY_BASE3,
    @JsonProperty("int8_rows") INT8_ROWS,
    @JsonProperty("int4_groups") INT4_GROUPS,
    @JsonProperty("fp16") FP16,
    @JsonProperty("fp32") FP32;

    public static final String VALUES = "values";
    public static final String SCALES = "scales";

    private static final int TRITS_PER_BYTE = 5;
    private static final int INT8_MAX = 127;
    private static final int INT4_MAX = 7;

    /** Whether the values hold nothing but −γ, 0 and γ for one γ (the ternary codec's precondition). */
    public static boolean isTernary(float[] values) {
        float gamma = 0;
        for (float v : values) {
            gamma = Math.max(gamma, Math.abs(v));
        }
        for (float v : values) {
            if (v != 0 && v != gamma && v != -gamma) {
                return false;
            }
        }
        return true;
    }

    /**
     * The streams of {@code values}, a tensor of {@code rows} rows (its first axis; 1 for a vector).
     *
     * @throws IllegalArgumentException for a non-finite value, a non-ternary tensor given to the ternary codec or a
     *                                  scale that does not fit the scale type
     */
    public Map<String, byte[]> encode(float[] values, int rows, ScaleType scaleType, int groupSize) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("a tensor to pack holds " + v);
            }
        }
        var streams = new LinkedHashMap<String, byte[]>();
        switch (this) {
            case TERNARY_BASE3 -> encodeTernary(values, scaleType, streams);
            case INT8_ROWS -> encodeBlocks(values, values.length / rows, INT8_MAX, scaleType, streams, false);
            case INT4_GROUPS -> encodeBlocks(values, groupSize, INT4_MAX, scaleType, streams, true);
            case FP16 -> {
                ByteBuffer out = buffer(values.length * 2);
                for (float v : values) {
                    out.putShort(Float.floatToFloat16(v));
                }
                streams.put(VALUES, out.array());
            }
            case FP32 -> {
                ByteBuffer out = buffer(values.length * 4);
                for (float v : values) {
                    out.putFloat(v);
                }
                streams.put(VALUES, out.array());
            }
        }
        return streams;
    }

    /**
     * The tensor of {@code count} elements the streams hold.
     *
     * @throws IllegalArgumentException when the streams cannot be the encoding of such a tensor (wrong length, a byte
     *                                  or nibble out of range)
     */
    public float[] decode(Map<String, byte[]> streams, int count, int rows, ScaleType scaleType, int groupSize) {
        byte[] values = require(streams, VALUES);
        return switch (this) {
            case TERNARY_BASE3 -> decodeTernary(values, require(streams, SCALES), count, scaleType);
            case INT8_ROWS -> decodeBlocks(values, require(streams, SCALES), count, count / rows, INT8_MAX, scaleType, false);
            case INT4_GROUPS -> decodeBlocks(values, require(streams, SCALES), count, groupSize, INT4_MAX, scaleType, true);
            case FP16 -> {
                expectLength(values, (long) count * 2, VALUES);
                ByteBuffer in = wrap(values);
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = Float.float16ToFloat(in.getShort());
                }
                yield out;
            }
            case FP32 -> {
                expectLength(values, (long) count * 4, VALUES);
                ByteBuffer in = wrap(values);
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = in.getFloat();
                }
                yield out;
            }
        };
    }

    /**
     * The length the raw stream {@code role} has for a tensor of {@code count} elements in {@code rows} rows, or -1 when
     * this codec has no such stream; a reader checks a manifest against it before it allocates anything.
     */
    public long rawBytes(String role, long count, long rows, ScaleType scaleType, int groupSize) {
        boolean scales = SCALES.equals(role);
        if (!scales && !VALUES.equals(role)) {
            return -1;
        }
        return switch (this) {
            case TERNARY_BASE3 -> scales ? scaleType.bytes() : (count + TRITS_PER_BYTE - 1) / TRITS_PER_BYTE;
            case INT8_ROWS -> scales ? rows * scaleType.bytes() : count;
            case INT4_GROUPS -> scales ? (count + groupSize - 1) / groupSize * scaleType.bytes() : (count + 1) / 2;
            case FP16 -> scales ? -1 : count * 2;
            case FP32 -> scales ? -1 : count * 4;
        };
    }

    private static void encodeTernary(float[] values, ScaleType scaleType, Map<String, byte[]> streams) {
        if (!isTernary(values)) {
            throw new IllegalArgumentException("ternary_base3: the tensor holds more than {-γ, 0, γ}");
        }
        float gamma = 0;
        for (float v : values) {
            gamma = Math.max(gamma, Math.abs(v));
        }
        if (!Float.isFinite(scaleType.round(gamma))) {
            throw new IllegalArgumentException("ternary_base3: γ " + gamma + " does not fit " + scaleType + " (use fp32 scales)");
        }
        byte[] packed = new byte[(values.length + TRITS_PER_BYTE - 1) / TRITS_PER_BYTE];
        for (int b = 0; b < packed.length; b++) {
            int value = 0;
            for (int t = TRITS_PER_BYTE - 1; t >= 0; t--) {
                int i = b * TRITS_PER_BYTE + t;
                int trit = i >= values.length || values[i] == 0 ? 0 : values[i] > 0 ? 1 : 2;
                value = value * 3 + trit;
            }
            packed[b] = (byte) value;
        }
        ByteBuffer scale = buffer(scaleType.bytes());
        scaleType.put(scale, gamma);
        streams.put(VALUES, packed);
        streams.put(SCALES, scale.array());
    }

    private static float[] decodeTernary(byte[] packed, byte[] scales, int count, ScaleType scaleType) {
        expectLength(packed, (count + TRITS_PER_BYTE - 1) / TRITS_PER_BYTE, VALUES);
        expectLength(scales, scaleType.bytes(), SCALES);
        float gamma = scaleType.get(wrap(scales));
        float[] out = new float[count];
        for (int b = 0; b < packed.length; b++) {
            int value = packed[b] & 0xFF;
            if (value >= 243) {
                throw new IllegalArgumentException("ternary_base3: byte " + b + " is " + value + ", above 3^5 - 1");
            }
            for (int t = 0; t < TRITS_PER_BYTE; t++, value /= 3) {
                int i = b * TRITS_PER_BYTE + t;
                int trit = value % 3;
                if (i >= count) {
                    if (trit != 0) {
                        throw new IllegalArgumentException("ternary_base3: a padding trit of the last byte is not 0");
                    }
                    continue;
                }
                out[i] = trit == 0 ? 0f : trit == 1 ? gamma : -gamma;
            }
        }
        return out;
    }

    /** Symmetric absmax quantization in blocks of {@code block} consecutive elements (a row, or a group). */
    private static void encodeBlocks(float[] values, int block, int max, ScaleType scaleType, Map<String, byte[]> streams, boolean nibbles) {
        int blocks = (values.length + block - 1) / block;
        ByteBuffer scales = buffer(blocks * scaleType.bytes());
        int[] q = new int[values.length];
        for (int b = 0; b < blocks; b++) {
            int from = b * block;
            int to = Math.min(values.length, from + block);
            float absMax = 0;
            for (int i = from; i < to; i++) {
                absMax = Math.max(absMax, Math.abs(values[i]));
            }
            // Quantize against the scale as it will be stored, so that decoding multiplies by the scale that was used.
            float scale = scaleType.round(absMax / max);
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("a scale of " + (absMax / max) + " does not fit " + scaleType + " (use fp32 scales)");
            }
            scaleType.put(scales, scale);
            for (int i = from; i < to; i++) {
                q[i] = scale == 0 ? 0 : Math.clamp(Math.round(values[i] / scale), -max, max);
            }
        }
        byte[] packed;
        if (nibbles) {
            packed = new byte[(values.length + 1) / 2];
            for (int i = 0; i < values.length; i++) {
                packed[i / 2] |= (byte) ((q[i] + 8) << (4 * (i % 2)));
            }
        } else {
            packed = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                packed[i] = (byte) q[i];
            }
        }
        streams.put(VALUES, packed);
        streams.put(SCALES, scales.array());
    }

    private static float[] decodeBlocks(byte[] packed, byte[] scaleBytes, int count, int block, int max, ScaleType scaleType, boolean nibbles) {
        int blocks = (count + block - 1) / block;
        expectLength(packed, nibbles ? (count + 1) / 2 : count, VALUES);
        expectLength(scaleBytes, (long) blocks * scaleType.bytes(), SCALES);
        ByteBuffer scales = wrap(scaleBytes);
        float[] out = new float[count];
        for (int b = 0; b < blocks; b++) {
            float scale = scaleType.get(scales);
            for (int i = b * block; i < Math.min(count, (b + 1) * block); i++) {
                int q = nibbles ? ((packed[i / 2] >> (4 * (i % 2))) & 0xF) - 8 : packed[i];
                if (q < -max || q > max) {
                    throw new IllegalArgumentException("element " + i + " holds " + q + ", outside [-" + max + ", " + max + "]");
                }
                out[i] = q * scale;
            }
        }
        if (nibbles && count % 2 == 1 && (packed[packed.length - 1] & 0xF0) != 0) {
            throw new IllegalArgumentException("int4_groups: the unused high nibble of the last byte is not 0");
        }
        return out;
    }

    private static byte[] require(Map<String, byte[]> streams, String role) {
        byte[] bytes = streams.get(role);
        if (bytes == null) {
            throw new IllegalArgumentException("stream '" + role + "' is missing");
        }
        return bytes;
    }

    private static void expectLength(byte[] bytes, long expected, String role) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("stream '" + role + "' has " + bytes.length + " bytes, the tensor needs " + expected);
        }
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
