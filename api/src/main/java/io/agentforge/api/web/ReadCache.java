package io.agentforge.api.web;

import io.agentforge.contracts.events.EventBus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The serialised answers of the hot read routes ({@code /phases/status}, {@code /models}), so that dashboards polling
 * them do not each cost a round of database queries. An answer is dropped when something it depends on changes:
 * on every {@code training_*}, {@code model_*} and {@code pipeline_*} event, on every write through this API, and in
 * any case after a short time to live, which bounds the staleness of a change that announced itself nowhere (e.g. a
 * winner marked directly on the Model service).
 */
final class ReadCache<V> implements AutoCloseable {
    private static final int MAX_ENTRIES = 512;
    private static final List<String> CHANGES = List.of("training_*", "model_*", "pipeline_*");

    private record Entry<V>(long generation, long expiresAtNanos, V answer) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final List<EventBus.Subscription> subscriptions;

    ReadCache(EventBus bus, Duration ttl) {
        this(bus, ttl, System::nanoTime);
    }

    /** @param nanoTime the monotonic time that the time to live is measured on; tests pass one they move by hand */
    ReadCache(EventBus bus, Duration ttl, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.subscriptions = CHANGES.stream().map(pattern -> bus.subscribe(pattern, event -> invalidate())).toList();
    }

    /**
     * The cached answer, or a fresh one computed now. A computation that throws caches nothing: a 503 is not kept.
     * The generation is read before computing, so an answer computed across a change is not kept as current.
     */
    V get(String key, Supplier<V> compute) {
        var now = nanoTime.getAsLong();
        var current = generation.get();
        var entry = entries.get(key);
        if (entry != null && entry.generation() == current && now - entry.expiresAtNanos() < 0) {
            return entry.answer();
        }
        var answer = compute.get();
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry<>(current, now + ttlNanos, answer));
        return answer;
    }

    void invalidate() {
        generation.incrementAndGet();
    }

    @Override
    public void close() {
        subscriptions.forEach(EventBus.Subscription::close);
    }
}
