package io.agentforge.training.history;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.JobMetricHistory;
import io.agentforge.training.jobs.JobQueue;
import io.agentforge.training.jobs.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricHistoryTest {
    private static final MetricWindow ALL = new MetricWindow(1_000, null, null, Set.of());

    @TempDir
    Path dir;
    private Database database;
    private JobStore jobs;
    private JobQueue queue;
    private JobMetricHistory points;
    private MetricHistory history;
    private String jobId;

    @BeforeEach
    void open() {
        database = Database.open(null, dir, TrainingServer.SCHEMA);
        jobs = new JobStore(database);
        queue = new JobQueue(database);
        points = new JobMetricHistory(database);
        history = new MetricHistory(database, 64L * 1024 * 1024);
        jobId = jobs.insert(new JobRequest(ModelPhase.COGNATE, new TrainingConfig(100, 4, 1e-3, "out", null, null, true),
                Map.of(), 0)).jobId();
        queue.claimNext("test", Duration.ofMinutes(1), 1);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private void record(int step, double loss) {
        points.recordProgress(new TrainingProgress(jobId, step / 100.0, step, 100, "", Map.of("loss", loss),
                Instant.ofEpochMilli(1_000L * step)));
    }

    @Test
    void readsOnlyWhatWasRecordedSinceTheLastRequest() {
        for (int step = 1; step <= 5; step++) {
            record(step, step);
        }
        assertThat(history.buckets(jobId, ALL).steps()).containsExactly(1, 2, 3, 4, 5);
        record(6, 6);
        var answer = history.buckets(jobId, ALL);
        assertThat(answer.steps()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(answer.times()[5]).isEqualTo(6_000L);
        assertThat(answer.series().get("loss").last()[5]).isEqualTo(6.0);
    }

    @Test
    void aRunResumedFromAnEarlierCheckpointReplacesTheStepsAfterIt() {
        for (int step = 1; step <= 6; step++) {
            record(step, step);
        }
        assertThat(history.buckets(jobId, ALL).steps()).hasSize(6);
        points.discardMetricsAfter(jobId, 4);
        record(5, 50);
        var answer = history.buckets(jobId, ALL);
        assertThat(answer.steps()).containsExactly(1, 2, 3, 4, 5);
        assertThat(answer.series().get("loss").last()[4]).isEqualTo(50.0);
        // And the database agrees with the columns.
        assertThat(points.metrics(jobId)).extracting(TrainingProgress::currentStep).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void anUnknownJobIsNotFoundAndAJobWithoutPointsHasNoBuckets() {
        assertThatThrownBy(() -> history.buckets("no-such-job", ALL)).isInstanceOf(NotFoundException.class);
        assertThat(history.buckets(jobId, ALL).steps()).isEmpty();
    }
}
