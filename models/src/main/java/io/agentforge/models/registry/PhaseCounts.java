package io.agentforge.models.registry;

import io.agentforge.contracts.phases.ModelPhase;

import java.time.Duration;
import java.util.Map;

/**
 * Models per phase for the {@code agentforge_models} gauges: one grouped query serves all eight, and it runs at most
 * once every few seconds however often Prometheus scrapes. The database is shared, so every replica reports the same.
 */
final class PhaseCounts {
    private static final Duration FRESH = Duration.ofSeconds(5);

    private final ModelRepository repository;
    private volatile Map<ModelPhase, Long> counts = Map.of();
    private volatile long readAt;
    private volatile boolean read;

    PhaseCounts(ModelRepository repository) {
        this.repository = repository;
    }

    double count(ModelPhase phase) {
        long now = System.nanoTime();
        if (!read || now - readAt > FRESH.toNanos()) {
            try {
                counts = repository.countByPhase();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            readAt = now;
            read = true;
        }
        return counts.getOrDefault(phase, 0L);
    }
}
