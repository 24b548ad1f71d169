package io.agentforge.launcher.bus;

import io.agentforge.platform.bus.InProcessEventBus;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach and use the stream.
 *
 * @param consumerName this process's name within consumer groups; keep it stable across restarts of the same
 *                     replica (so it finds its own pending entries) and distinct between replicas
 * @param maxLength    roughly how many events the stream keeps, which also bounds {@link RedisStreamsEventBus#after}
 * @param blockTimeout how long one blocking read waits before the reader checks whether it was closed
 * @param claimAbandonedAfter how long a delivered, unacknowledged group entry may sit idle before a live member
 *                     takes it over; {@link Duration#ZERO} turns claiming off
 */
public record RedisStreamSettings(String redisUrl, String consumerName, String streamKey, long maxLength,
                       Duration blockTimeout, Duration healthTimeout, Duration claimAbandonedAfter) {
    public static final String DEFAULT_STREAM_KEY = "agentforge:events";
    public static final long DEFAULT_MAX_LENGTH = InProcessEventBus.DEFAULT_HISTORY_SIZE;

    public RedisStreamSettings {
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(consumerName, "consumerName");
        Objects.requireNonNull(streamKey, "streamKey");
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
        }
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        Objects.requireNonNull(claimAbandonedAfter, "claimAbandonedAfter");
    }

    public static RedisStreamSettings of(String redisUrl, String consumerName) {
        return new RedisStreamSettings(redisUrl, consumerName, DEFAULT_STREAM_KEY, DEFAULT_MAX_LENGTH,
                Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMinutes(5));
    }

    /** {@code redis://user:secret@host} becomes {@code redis://***@host}. */
    static String redacted(String url) {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }

    /** Without the password a URL may carry, since settings end up in logs. */
    @Override
    public String toString() {
        return "RedisStreamSettings[redisUrl=" + redacted(redisUrl) + ", consumerName=" + consumerName + ", streamKey="
                + streamKey + ", maxLength=" + maxLength + ", blockTimeout=" + blockTimeout + ", healthTimeout="
                + healthTimeout + ", claimAbandonedAfter=" + claimAbandonedAfter + "]";
    }
}
