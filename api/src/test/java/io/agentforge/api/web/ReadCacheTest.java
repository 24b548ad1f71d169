package io.agentforge.api.web;

import io.agentforge.contracts.events.Event;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReadCacheTest {
    private final InProcessEventBus bus = new InProcessEventBus();
    private final AtomicInteger computed = new AtomicInteger();

    @AfterEach
    void close() {
        bus.close();
    }

    private byte[] compute() {
        return String.valueOf(computed.incrementAndGet()).getBytes();
    }

    @Test
    void servesTheSameAnswerUntilSomethingChanges() {
        try (var cache = new ReadCache<byte[]>(bus, Duration.ofMinutes(1))) {
            var first = cache.get("phases", this::compute);
            var second = cache.get("phases", this::compute);

            assertThat(second).isSameAs(first);
            assertThat(computed).hasValue(1);
        }
    }

    @Test
    void aTrainingOrModelEventDropsTheCachedAnswers() {
        try (var cache = new ReadCache<byte[]>(bus, Duration.ofMinutes(1))) {
            cache.get("models", this::compute);

            bus.publish(Event.of("model_saved", "models", Map.of("model_id", "m1")));

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(new String(cache.get("models", this::compute))).isEqualTo("2"));
        }
    }

    @Test
    void anUnrelatedEventKeepsThem() {
        try (var cache = new ReadCache<byte[]>(bus, Duration.ofMinutes(1))) {
            cache.get("models", this::compute);

            bus.publish(Event.of("system_metrics", "monitoring", Map.of()));

            // A wrong invalidation would arrive on a delivery thread at some point: the answer must hold throughout.
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                    .until(() -> new String(cache.get("models", this::compute)).equals("1"));
        }
    }

    @Test
    void answersExpireAfterTheirTimeToLive() {
        var now = new AtomicLong();
        try (var cache = new ReadCache<byte[]>(bus, Duration.ofMillis(50), now::get)) {
            cache.get("phases", this::compute);
            now.addAndGet(Duration.ofMillis(49).toNanos());
            assertThat(new String(cache.get("phases", this::compute))).as("still fresh").isEqualTo("1");

            now.addAndGet(Duration.ofMillis(1).toNanos());
            assertThat(new String(cache.get("phases", this::compute))).isEqualTo("2");
        }
    }

    @Test
    void aFailedComputationIsNotKept() {
        try (var cache = new ReadCache<byte[]>(bus, Duration.ofMinutes(1))) {
            assertThatThrownBy(() -> cache.get("jobs", () -> {
                throw new IllegalStateException("training is down");
            })).hasMessage("training is down");

            assertThat(new String(cache.get("jobs", this::compute))).isEqualTo("1");
        }
    }
}
