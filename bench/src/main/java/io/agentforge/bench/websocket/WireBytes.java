package io.agentforge.bench.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Scans over the raw bytes of a WebSocket text frame, without decoding it: the load client reads tens of thousands of
 * frames a second and must not let its own garbage or parsing show up in the latencies it measures.
 */
final class WireBytes {
    private static final byte[] STAMP_KEY = ascii("\"published_at_micros\":");

    private WireBytes() {
    }

    /** The digits after {@code "published_at_micros":} in the first {@code length} bytes of {@code text}. */
    static long stampMicros(byte[] text, int length) {
        var at = indexOf(text, length, STAMP_KEY);
        if (at < 0) {
            throw new IllegalArgumentException("no published_at_micros in "
                    + new String(text, 0, length, StandardCharsets.UTF_8));
        }
        var value = 0L;
        for (int i = at + STAMP_KEY.length; i < length && text[i] >= '0' && text[i] <= '9'; i++) {
            value = value * 10 + (text[i] - '0');
        }
        return value;
    }

    /** Index of the first occurrence of {@code needle} in the first {@code length} bytes of {@code text}, or -1. */
    static int indexOf(byte[] text, int length, byte[] needle) {
        for (int i = 0, last = length - needle.length; i <= last; i++) {
            if (text[i] == needle[0] && Arrays.equals(text, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
