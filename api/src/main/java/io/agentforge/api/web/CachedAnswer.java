package io.agentforge.api.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * A finished 200 answer of a cached read route, built once per cache fill and sent as it is until dropped: the
 * success envelope around the data, stamped with the time the data was read, and the same bytes gzipped when the
 * answer is large enough for compression to pay. A page of 50 models is about 23 KB of JSON and under 2 KB gzipped,
 * and sending the bytes is most of what such an answer costs, so a client that accepts gzip (browsers, {@code curl
 * --compressed}, most HTTP libraries) gets it an order of magnitude smaller at no per-request CPU.
 *
 * @param json the envelope as JSON
 * @param gzip the envelope gzipped, or null when it is too small to be worth compressing
 */
record CachedAnswer(byte[] json, byte[] gzip) {
    /** Below this, gzip's header and the work on both sides outweigh the bytes saved. */
    static final int COMPRESS_FROM_BYTES = 1024;
    private static final byte[] HEAD = "{\"success\":true,\"data\":".getBytes(StandardCharsets.UTF_8);

    /** The envelope around data already serialised, as {@code Exchange.ok} would write it. */
    static CachedAnswer of(byte[] data, Instant readAt) {
        var tail = (",\"message\":null,\"error\":null,\"timestamp\":\"" + readAt + "\"}").getBytes(StandardCharsets.UTF_8);
        var json = new byte[HEAD.length + data.length + tail.length];
        System.arraycopy(HEAD, 0, json, 0, HEAD.length);
        System.arraycopy(data, 0, json, HEAD.length, data.length);
        System.arraycopy(tail, 0, json, HEAD.length + data.length, tail.length);
        return new CachedAnswer(json, json.length < COMPRESS_FROM_BYTES ? null : gzip(json));
    }

    /** Sends the gzipped form when there is one and the request accepts it, the JSON otherwise. */
    void send(ServerRequest req, ServerResponse res) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        if (gzip == null) {
            res.send(json);
            return;
        }
        // Caches between us and the client must keep the two forms apart; added to any Vary already set (CORS).
        res.headers().add(HeaderValues.create(HeaderNames.VARY, "Accept-Encoding"));
        if (acceptsGzip(req.headers().contains(HeaderNames.ACCEPT_ENCODING)
                ? String.join(",", req.headers().get(HeaderNames.ACCEPT_ENCODING).allValues()) : null)) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(gzip);
        } else {
            res.send(json);
        }
    }

    /**
     * Whether an {@code Accept-Encoding} value admits gzip: {@code gzip} or {@code *} listed without {@code q=0}
     * (RFC 9110 §12.5.3). An explicit {@code gzip;q=0} refuses it even when {@code *} is accepted.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean gzip = null;
        boolean any = false;
        for (var item : acceptEncoding.split(",")) {
            var parts = item.split(";");
            var coding = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean accepted = !refused(parts);
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = accepted;
            } else if (coding.equals("*")) {
                any = accepted;
            }
        }
        return gzip != null ? gzip : any;
    }

    /** True when the parameters carry a quality of zero. */
    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            var parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] json) {
        var out = new ByteArrayOutputStream(json.length / 4);
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }
}
