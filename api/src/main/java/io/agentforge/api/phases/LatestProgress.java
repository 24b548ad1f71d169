package io.agentforge.api.phases;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.training.TrainingProgress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last progress point of recent jobs (its metrics and the job's total steps), kept from {@code training_progress}
 * events, so that a phase status does not fetch a job's whole metric history for its last point. Bounded: the oldest
 * jobs are forgotten first, and a forgotten (or never seen) job falls back to the Training service's history.
 */
public final class LatestProgress implements AutoCloseable {
    private static final int MAX_JOBS = 256;

    /**
     * One progress point.
     *
     * @param totalSteps the steps of the whole job as the Training service counts them (a Cognate job trains three
     *                   models, so three times its {@code max_steps}); 0 when the point did not say
     */
    public record Point(Map<String, Double> metrics, int totalSteps) {
        public static final Point NONE = new Point(Map.of(), 0);

        public Point {
            metrics = Map.copyOf(metrics);
        }

        public static Point of(TrainingProgress progress) {
            return new Point(progress.metrics() == null ? Map.of() : progress.metrics(), progress.totalSteps());
        }
    }

    private final Map<String, Point> byJob = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Point> eldest) {
            return size() > MAX_JOBS;
        }
    };
    private final EventBus.Subscription subscription;

    public LatestProgress(EventBus bus) {
        this.subscription = bus.subscribe(EventTypes.TRAINING_PROGRESS, this::record);
    }

    /** The job's latest point, or null when none was seen here. */
    public synchronized Point of(String jobId) {
        return byJob.get(jobId);
    }

    /** Keeps a point read from a job's history, e.g. of a finished job whose history will not change. */
    public synchronized void remember(String jobId, Point point) {
        byJob.put(jobId, point);
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
            var totalSteps = data.get("total_steps") instanceof Number number ? number.intValue() : 0;
            synchronized (this) {
                byJob.put(jobId, new Point(numbers, totalSteps));
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
