package io.agentforge.training.jobs;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.platform.testing.LegacyDatabase;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.history.MetricHistory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written before each service owned its tables (one Flyway history for everything) opens with today's
 * Training schema with every job and metric kept (charted from blocks built on first read), and the queue works on
 * it: on H2 and on PostgreSQL.
 */
class JobTablesUpgradeTest {
    private static final TrainingConfig CONFIG = new TrainingConfig(100, 8, 1e-3, null, null, null, null);
    private static final OffsetDateTime CREATED = OffsetDateTime.parse("2026-11-01T10:00:00Z");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void jobsAndTheirMetricsSurviveTheUpgradeAndTheQueueStillClaims(LegacyDatabase.Backend backend,
                                                                     @TempDir Path dir) {
        var legacy = LegacyDatabase.create(backend, dir, "3");
        legacy.update("INSERT INTO training_jobs (id, phase, config, parameters, status, priority, created_at,"
                        + " completed_at, progress, current_step, total_steps, message, traceparent)"
                        + " VALUES ('job-old', 'cognate', ?, '{\"seed\":42}', 'completed', 3, ?, ?, 1.0, 100, 100,"
                        + " 'done', ?)",
                Json.write(CONFIG), CREATED, CREATED.plusMinutes(5), TRACEPARENT);
        legacy.update("INSERT INTO job_metrics (job_id, step, progress, total_steps, metrics, message, recorded_at)"
                + " VALUES ('job-old', 50, 0.5, 100, '{\"loss\":1.25}', 'half way', ?)", CREATED.plusMinutes(2));

        try (var database = legacy.openCurrent(TrainingServer.SCHEMA)) {
            var store = new JobStore(database);
            var old = store.findQueued("job-old");
            assertThat(old.job().status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(old.job().config()).isEqualTo(CONFIG);
            assertThat(old.job().parameters()).isEqualTo(Map.of("seed", 42));
            assertThat(old.job().createdAt()).isEqualTo(CREATED.toInstant());
            assertThat(old.priority()).isEqualTo(3);
            assertThat(old.traceparent()).isEqualTo(TRACEPARENT);
            assertThat(new JobMetricHistory(database).metrics("job-old")).singleElement().satisfies(metric -> {
                assertThat(metric.currentStep()).isEqualTo(50);
                assertThat(metric.metrics()).containsEntry("loss", 1.25);
                assertThat(metric.message()).isEqualTo("half way");
            });
            // Its chart blocks did not exist before: the first bucketed read builds them from the raw rows.
            var buckets = new MetricHistory(database).buckets("job-old", new MetricWindow(100, null, null, Set.of()));
            assertThat(buckets.steps()).containsExactly(50);
            assertThat(buckets.series().get("loss").max()).containsExactly(1.25);
            assertThat(buckets.times()).containsExactly(CREATED.plusMinutes(2).toInstant().toEpochMilli());

            var fresh = store.insert(new JobRequest(ModelPhase.ADAS, CONFIG, Map.of(), 0), TRACEPARENT);
            assertThat(new JobQueue(database).claimNext("replica-1", Duration.ofMinutes(1), 4)).map(QueuedJob::jobId)
                    .contains(fresh.jobId());
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void aDatabaseFromBeforeTheTraceColumnGainsIt(LegacyDatabase.Backend backend, @TempDir Path dir) {
        var legacy = LegacyDatabase.create(backend, dir, "1");
        legacy.update("INSERT INTO training_jobs (id, phase, config, parameters, status, created_at)"
                + " VALUES ('job-v1', 'adas', ?, '{}', 'pending', ?)", Json.write(CONFIG), CREATED);

        try (var database = legacy.openCurrent(TrainingServer.SCHEMA)) {
            var store = new JobStore(database);
            assertThat(store.findQueued("job-v1").traceparent()).isNull();
            var traced = store.insert(new JobRequest(ModelPhase.ADAS, CONFIG, Map.of(), 0), TRACEPARENT);
            assertThat(store.findQueued(traced.jobId()).traceparent()).isEqualTo(TRACEPARENT);
        }
    }
}
