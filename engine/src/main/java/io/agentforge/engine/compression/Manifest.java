package io.agentforge.engine.compression;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentforge.engine.model.TransformerConfig;

import java.util.List;

/**
 * The JSON head of a packed model: its config and, per tensor, how it is coded and where its streams are.
 *
 * @param format "agent-forge-packed/1"
 */
public record Manifest(
        @JsonProperty("format") String format,
        @JsonProperty("config") TransformerConfig config,
        @JsonProperty("tensors") List<Tensor> tensors) {

    public static final String FORMAT = "agent-forge-packed/1";

    /**
     * @param shape     the tensor's shape
     * @param scaleType null for the fp16 and fp32 codecs
     * @param groupSize int4 only
     * @param sha256    of the decoded tensor as float32 little-endian bytes, in row-major order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tensor(
            @JsonProperty("name") String name,
            @JsonProperty("shape") long[] shape,
            @JsonProperty("codec") Codec codec,
            @JsonProperty("scale_type") ScaleType scaleType,
            @JsonProperty("group_size") Integer groupSize,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("streams") List<Stream> streams) {

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public long storedBytes() {
            return streams.stream().mapToLong(Stream::storedBytes).sum();
        }

        /** Stored bits (all streams, scales included, after entropy coding) per element. */
        public double bitsPerWeight() {
            return 8.0 * storedBytes() / elements();
        }
    }

    /**
     * @param role        {@code values} or {@code scales}
     * @param offset      from the start of the payload
     * @param rawBytes    the codec's bytes, before entropy coding
     * @param storedBytes as stored
     * @param sha256      of the stored bytes, checked before they are decoded
     */
    public record Stream(
            @JsonProperty("role") String role,
            @JsonProperty("offset") long offset,
            @JsonProperty("raw_bytes") int rawBytes,
            @JsonProperty("stored_bytes") int storedBytes,
            @JsonProperty("compression") StreamCompression compression,
            @JsonProperty("sha256") String sha256) {
    }
}
