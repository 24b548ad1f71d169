package io.agentforge.api.phases;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last measured metrics of recent jobs, kept from {@code training_progress} events, so that a phase status does
 * not fetch a job's whole metric history for its last point. Bounded: the oldest jobs are forgotten first, and a
 * forgotten (or never seen) job falls back to the Training service's history.
 */
public final class LatestProgress implements AutoCloseable {
    private static final int MAX_JOBS = 256;

    private final Map<String, Map<String, Double>> byJob = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Double>> eldest) {
            return size() > MAX_JOBS;
        }
    };
    private final EventBus.Subscription subscription;

    public LatestProgress(EventBus bus) {
        this.subscription = bus.subscribe(EventTypes.TRAINING_PROGRESS, this::record);
    }

    /** The job's latest metrics, or null when none were seen here. */
    public synchronized Map<String, Double> of(String jobId) {
        return byJob.get(jobId);
    }

    /** Keeps metrics read from a job's history, e.g. of a finished job whose history will not change. */
    public synchronized void remember(String jobId, Map<String, Double> metrics) {
        byJob.put(jobId, Map.copyOf(metrics));
    }

    private void record(EventEnvelope envelope) {
        var data = envelope.event().data();
        if (data.get("job_id") instanceof String jobId && data.get("metrics") instanceof Map<?, ?> metrics) {
            var numbers = new LinkedHashMap<String, Double>();
            metrics.forEach((name, value) -> {
                if (value instanceof Number number) {
                    numbers.put(String.valueOf(name), number.doubleValue());
                }
            });
            synchronized (this) {
                byJob.put(jobId, Map.copyOf(numbers));
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
