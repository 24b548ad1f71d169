package io.agentforge.engine.compression;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.luben.zstd.Zstd;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The entropy coding of one stream. {@link #smallest} tries each and keeps the shortest result. */
public enum StreamCompression {
    @JsonProperty("none") NONE,
    @JsonProperty("deflate") DEFLATE,
    @JsonProperty("zstd") ZSTD;

    private static final int ZSTD_LEVEL = 19;

    /** A stream as stored, with the coding that produced it. */
    public record Stored(StreamCompression compression, byte[] bytes) {
    }

    /** The shortest of the three codings (ties keep the simpler one: none, then Deflate). */
    public static Stored smallest(byte[] raw) {
        Stored best = new Stored(NONE, raw);
        for (StreamCompression c : new StreamCompression[] {DEFLATE, ZSTD}) {
            byte[] coded = c.compress(raw);
            if (coded.length < best.bytes().length) {
                best = new Stored(c, coded);
            }
        }
        return best;
    }

    public byte[] compress(byte[] raw) {
        return switch (this) {
            case NONE -> raw;
            case DEFLATE -> {
                var deflater = new Deflater(Deflater.BEST_COMPRESSION);
                try {
                    deflater.setInput(raw);
                    deflater.finish();
                    var out = new ByteArrayOutputStream(Math.max(64, raw.length / 2));
                    byte[] chunk = new byte[1 << 16];
                    while (!deflater.finished()) {
                        out.write(chunk, 0, deflater.deflate(chunk));
                    }
                    yield out.toByteArray();
                } finally {
                    deflater.end();
                }
            }
            case ZSTD -> Zstd.compress(raw, ZSTD_LEVEL);
        };
    }

    /**
     * The raw stream of {@code rawLength} bytes.
     *
     * @throws IllegalArgumentException when the bytes do not decode to exactly {@code rawLength} bytes
     */
    public byte[] decompress(byte[] stored, int rawLength) {
        byte[] raw = switch (this) {
            case NONE -> stored;
            case DEFLATE -> {
                var inflater = new Inflater();
                try {
                    inflater.setInput(stored);
                    // One byte of room beyond the expected length, so that a stream decoding to more is caught.
                    byte[] out = new byte[rawLength + 1];
                    int n = 0;
                    while (!inflater.finished()) {
                        int got = inflater.inflate(out, n, out.length - n);
                        n += got;
                        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary() || n == out.length)) {
                            break;
                        }
                    }
                    if (n != rawLength || !inflater.finished() || inflater.getRemaining() != 0) {
                        throw new IllegalArgumentException("deflate: the stream does not decode to " + rawLength + " bytes");
                    }
                    out = Arrays.copyOf(out, rawLength);
                    yield out;
                } catch (DataFormatException e) {
                    throw new IllegalArgumentException("deflate: " + e.getMessage(), e);
                } finally {
                    inflater.end();
                }
            }
            case ZSTD -> {
                try {
                    yield Zstd.decompress(stored, rawLength);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("zstd: " + e.getMessage(), e);
                }
            }
        };
        if (raw.length != rawLength) {
            throw new IllegalArgumentException(name().toLowerCase() + ": the stream decodes to " + raw.length + " bytes, expected " + rawLength);
        }
        return raw;
    }
}
