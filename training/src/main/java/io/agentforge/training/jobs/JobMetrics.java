package io.agentforge.training.jobs;

import io.agentforge.contracts.training.TaskStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Map;

/**
 * The Training service's business metrics on {@code /metrics}: jobs by status (from the shared database, so every
 * replica reports the same queue), the workers running on this instance and their training speed in tokens/s.
 * The counts are read at most once per second however often Prometheus scrapes.
 */
final class JobMetrics {
    private static final Duration FRESH = Duration.ofSeconds(1);

    private final JobStore store;
    private volatile Map<TaskStatus, Long> counts = Map.of();
    private volatile long readAt;

    JobMetrics(JobStore store) {
        this.store = store;
    }

    void bindTo(MeterRegistry registry, JobScheduler scheduler) {
        for (var status : TaskStatus.values()) {
            Gauge.builder("agentforge_training_jobs", () -> count(status))
                    .description("Training jobs in the queue's database, by status")
                    .tag("status", status.wireName())
                    .register(registry);
        }
        Gauge.builder("agentforge_training_workers_running", scheduler::runningHere)
                .description("Worker processes running jobs on this instance")
                .register(registry);
        Gauge.builder("agentforge_training_tokens_per_second", scheduler::tokensPerSecondHere)
                .description("Tokens trained per second by the jobs running on this instance, as their workers last"
                        + " reported")
                .register(registry);
        Gauge.builder("agentforge_training_workers_max", () -> scheduler.settings().maxConcurrentJobs())
                .description("MAX_CONCURRENT_JOBS of this instance")
                .register(registry);
    }

    private double count(TaskStatus status) {
        long now = System.nanoTime();
        if (now - readAt > FRESH.toNanos()) {
            try {
                counts = store.countByStatus();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            readAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
