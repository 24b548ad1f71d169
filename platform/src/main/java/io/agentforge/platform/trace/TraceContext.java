package io.agentforge.platform.trace;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One position in a trace, as a W3C {@code traceparent} header carries it
 * ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}).
 *
 * @param traceId 16 random bytes in lowercase hex, shared by every span of the trace
 * @param spanId  8 random bytes in lowercase hex, this span's own
 * @param flags   the trace flags (bit 0: sampled)
 */
public record TraceContext(String traceId, String spanId, String flags) {
    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);
    private static final String SAMPLED = "01";

    /** A new trace with a new root span. */
    public static TraceContext start() {
        return new TraceContext(randomHex(16, ZERO_TRACE), randomHex(8, ZERO_SPAN), SAMPLED);
    }

    /**
     * Reads a {@code traceparent} header; empty when absent or invalid (all-zero ids, version {@code ff}, a version
     * 00 header with extra fields), in which case the receiver starts a new trace as the W3C recommendation says.
     */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var matcher = TRACEPARENT.matcher(traceparent.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        var version = matcher.group(1);
        if (version.equals("ff") || version.equals("00") && matcher.group(5) != null
                || matcher.group(2).equals(ZERO_TRACE) || matcher.group(3).equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(matcher.group(2), matcher.group(3), matcher.group(4)));
    }

    /** A new span of the same trace, e.g. for a call to another service or an event published. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8, ZERO_SPAN), flags);
    }

    /** The header value, version 00. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes, String invalid) {
        var random = new byte[bytes];
        String hex;
        do {
            ThreadLocalRandom.current().nextBytes(random);
            hex = HexFormat.of().formatHex(random);
        } while (hex.equals(invalid));
        return hex;
    }
}
