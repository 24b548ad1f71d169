package io.agentforge.engine.compression;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.ByteBuffer;

/** How the scales of the int8, int4 and ternary codecs are stored (little-endian). */
public enum ScaleType {
    @JsonProperty("fp16") FP16(2),
    @JsonProperty("fp32") FP32(4);

    private final int bytes;

    ScaleType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The value a stored scale decodes to: {@code value} rounded to this type. */
    float round(float value) {
        return this == FP16 ? Float.float16ToFloat(Float.floatToFloat16(value)) : value;
    }

    void put(ByteBuffer out, float value) {
        if (this == FP16) {
            out.putShort(Float.floatToFloat16(value));
        } else {
            out.putFloat(value);
        }
    }

    float get(ByteBuffer in) {
        return this == FP16 ? Float.float16ToFloat(in.getShort()) : in.getFloat();
    }
}
