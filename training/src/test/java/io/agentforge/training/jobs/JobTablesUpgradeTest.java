package io.agentforge.training.jobs;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.LegacyDatabase;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.history.MetricHistory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written before each service owned its tables (one Flyway history for everything) opens with today's
 * Training schema with every job and metric kept (charted from blocks built on first read), and the queue works on
 * it; so does one of the release before the migrations of one database product: on H2 and on PostgreSQL.
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

    /**
     * The release before {@code db-h2/training/V8} left training at V7; opened now, H2 gains the read index of the
     * chart blocks (and reads through it), PostgreSQL skips that version, and on both the run's chart is the fold of
     * its raw points and takes new ones.
     */
    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void aDatabaseAtV7GainsTheChartReadIndexOnH2OnlyAndChartsItsRunsAsBefore(LegacyDatabase.Backend backend,
                                                                                  @TempDir Path dir) {
        var earlier = LegacyDatabase.createAt(backend, dir, TrainingServer.SCHEMA, "7");
        earlier.update("INSERT INTO training_jobs (id, phase, config, parameters, status, created_at, current_step,"
                + " total_steps, metrics_rolled_up) VALUES ('job-v7', 'cognate', ?, '{}', 'running', ?, 64, 100,"
                + " FALSE)", Json.write(CONFIG), CREATED);
        var values = new ArrayList<String>();
        var arguments = new ArrayList<Object>();
        for (int step = 1; step <= 64; step++) {
            values.add("('job-v7', ?, ?, 100, ?, '', ?)");
            arguments.addAll(List.of(step, step / 100.0, "{\"loss\":" + (step == 37 ? 99.0 : 1.0 / step) + "}",
                    CREATED.plusSeconds(step)));
        }
        earlier.update("INSERT INTO job_metrics (job_id, step, progress, total_steps, metrics, message, recorded_at)"
                + " VALUES " + String.join(", ", values), arguments.toArray());

        try (var database = earlier.openCurrent(TrainingServer.SCHEMA)) {
            var h2 = backend == LegacyDatabase.Backend.H2;
            assertThat(count(database, "training_schema_history WHERE success AND version = '8'"
                    + " AND script LIKE '%job_metric_rollups_read_index%'")).isEqualTo(h2 ? 1 : 0);
            assertThat(count(database, "training_schema_history WHERE success AND version = '7'")).isEqualTo(1);
            if (h2) {
                assertThat(explain(database, "SELECT points, first_step, last_step, last_at, folds"
                        + " FROM job_metric_rollups WHERE job_id = 'job-v7' AND grain = 2 AND bucket BETWEEN 0 AND 15"
                        + " ORDER BY bucket")).contains("job_metric_rollups_read");
            } else {
                assertThat(count(database, "pg_indexes WHERE indexname = 'job_metric_rollups_read'")).isZero();
            }

            var history = new MetricHistory(database);
            var eight = new MetricWindow(8, null, null, Set.of());
            var buckets = history.buckets("job-v7", eight);
            assertThat(buckets.steps()).hasSize(8).endsWith(64);
            assertThat(buckets.totalPoints()).isEqualTo(64);
            int spike = 0;
            while (buckets.steps()[spike] < 37) {
                spike++;
            }
            var max = buckets.series().get("loss").max();
            for (int i = 0; i < max.length; i++) {
                assertThat(max[i]).as("bucket %d's max (the spike is at step 37)", i)
                        .isEqualTo(i == spike ? 99.0 : 1.0 / (i == 0 ? 1 : buckets.steps()[i - 1] + 1));
            }
            assertThat(buckets.series().get("loss").last()[7]).isEqualTo(1.0 / 64);

            assertThat(new JobMetricHistory(database).recordProgress(new TrainingProgress("job-v7", 0.65, 65, 100, "",
                    Map.of("loss", 0.5), CREATED.plusSeconds(65).toInstant()))).isTrue();
            var grown = history.buckets("job-v7", eight);
            assertThat(grown.toStep()).isEqualTo(65);
            assertThat(grown.totalPoints()).isEqualTo(65);
            assertThat(grown.series().get("loss").max()).contains(99.0);
        }
    }

    private static long count(Database database, String from) {
        return database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT COUNT(*) FROM " + from)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private static String explain(Database database, String query) {
        return database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("EXPLAIN " + query)) {
                var plan = new StringBuilder();
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
                return plan.toString();
            }
        });
    }
}
