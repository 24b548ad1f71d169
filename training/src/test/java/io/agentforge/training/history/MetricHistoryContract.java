package io.agentforge.training.history;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricBuckets;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.jobs.JobMetricHistory;
import io.agentforge.training.jobs.JobQueue;
import io.agentforge.training.jobs.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bucketed history read from the blocks written beside each point: every bucket holds exactly the min, max and
 * last of the raw points it covers, whatever grains answered it; run on H2 and PostgreSQL by the subclasses.
 */
abstract class MetricHistoryContract {
    private static final MetricWindow ALL = new MetricWindow(1_000, null, null, Set.of());

    private Database database;
    private JobMetricHistory points;
    private MetricHistory history;
    private String jobId;

    protected abstract Database openDatabase();

    @BeforeEach
    void open() {
        database = openDatabase();
        var jobs = new JobStore(database);
        points = new JobMetricHistory(database);
        history = new MetricHistory(database);
        jobId = jobs.insert(new JobRequest(ModelPhase.COGNATE, new TrainingConfig(100, 4, 1e-3, "out", null, null, true),
                Map.of(), 0)).jobId();
        new JobQueue(database).claimNext("test", Duration.ofMinutes(1), 1);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private void record(int step, double loss) {
        var metrics = new HashMap<String, Double>();
        metrics.put("loss", loss);
        if (step % 10 == 0) {
            metrics.put("eval_loss", loss * 2);
        }
        points.recordProgress(new TrainingProgress(jobId, Math.min(1, step / 4_000.0), step, 4_000, "", metrics,
                Instant.ofEpochMilli(1_000L * step)));
    }

    /** Steps 1..steps with a smooth loss and a spike at {@code spikeAt}. */
    private void recordRun(int steps, int spikeAt) {
        for (int step = 1; step <= steps; step++) {
            record(step, step == spikeAt ? 99.0 : 5.0 / Math.sqrt(step) + (step % 7) * 0.01);
        }
    }

    @Test
    void answersEverySmallHistoryPointByPointAndFollowsNewPoints() {
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
    void aLongRunIsAnsweredFromBlocksWithEachBucketExactlyTheFoldOfItsRawPoints() {
        recordRun(2_000, 1_337);
        var raw = points.metrics(jobId);

        var whole = history.buckets(jobId, new MetricWindow(10, null, null, Set.of()));
        assertThat(whole.steps()).hasSizeLessThanOrEqualTo(10).hasSizeGreaterThanOrEqualTo(5);
        assertThat(whole.totalPoints()).isEqualTo(2_000);
        assertThat(whole.fromStep()).isEqualTo(1);
        assertThat(whole.toStep()).isEqualTo(2_000);
        assertThat(whole.steps()[whole.steps().length - 1]).isEqualTo(2_000);
        assertThat(whole.series().get("loss").max()).contains(99.0);
        assertMatchesRaw(whole, raw);

        // A zoom whose edges fall inside blocks of every grain: answered by coarse blocks, finer ones and raw rows.
        var zoom = history.buckets(jobId, new MetricWindow(7, 1_237, 1_901, Set.of("loss")));
        assertThat(zoom.fromStep()).isEqualTo(1_237);
        assertThat(zoom.toStep()).isEqualTo(1_901);
        assertThat(zoom.totalPoints()).isEqualTo(1_901 - 1_237 + 1);
        assertThat(zoom.series()).containsOnlyKeys("loss");
        assertThat(zoom.series().get("loss").max()).contains(99.0);
        assertMatchesRaw(zoom, raw);

        // A window small enough for raw rows: every point.
        var small = history.buckets(jobId, new MetricWindow(100, 1_330, 1_340, Set.of()));
        assertThat(small.steps()).containsExactly(1_330, 1_331, 1_332, 1_333, 1_334, 1_335, 1_336, 1_337, 1_338,
                1_339, 1_340);
        assertMatchesRaw(small, raw);
    }

    @Test
    void aRunResumedFromAnEarlierCheckpointReplacesTheStepsAfterItInEveryBlock() {
        recordRun(600, 500);
        points.discardMetricsAfter(jobId, 450);
        for (int step = 451; step <= 520; step++) {
            record(step, 0.5);
        }
        var raw = points.metrics(jobId);
        assertThat(raw).extracting(TrainingProgress::currentStep).doesNotHaveDuplicates().hasSize(520);

        var answer = history.buckets(jobId, new MetricWindow(4, null, null, Set.of()));
        assertThat(answer.totalPoints()).isEqualTo(520);
        assertThat(answer.toStep()).isEqualTo(520);
        assertThat(answer.series().get("loss").max()).doesNotContain(99.0);
        assertMatchesRaw(answer, raw);
    }

    @Test
    void aJobRecordedBeforeTheBlocksExistedGetsThemOnItsFirstRead() {
        recordRun(300, 200);
        database.withConnection(connection -> {
            try (var forget = connection.createStatement()) {
                forget.executeUpdate("DELETE FROM job_metric_rollups");
                forget.executeUpdate("UPDATE training_jobs SET metrics_rolled_up = FALSE");
            }
            return null;
        });
        var answer = history.buckets(jobId, new MetricWindow(3, null, null, Set.of()));
        assertThat(answer.totalPoints()).isEqualTo(300);
        assertThat(answer.series().get("loss").max()).contains(99.0);
        assertMatchesRaw(answer, points.metrics(jobId));
        // Built once: points recorded from now on go to the blocks as they are recorded.
        record(301, 1_000.0);
        assertThat(history.buckets(jobId, new MetricWindow(3, null, null, Set.of())).series().get("loss").max())
                .contains(1_000.0);
    }

    @Test
    void anUnknownJobIsNotFoundAndAJobWithoutPointsHasNoBuckets() {
        assertThatThrownBy(() -> history.buckets("no-such-job", ALL)).isInstanceOf(NotFoundException.class);
        assertThat(history.buckets(jobId, ALL).steps()).isEmpty();
    }

    /**
     * Each bucket holds the points after the previous bucket's last step up to its own, within the window: its
     * min, max and last of every series equal those of the raw points there, and the counts add up.
     */
    private static void assertMatchesRaw(MetricBuckets answer, List<TrainingProgress> raw) {
        int previous = answer.fromStep() - 1;
        int counted = 0;
        for (int b = 0; b < answer.steps().length; b++) {
            int after = previous;
            int upTo = answer.steps()[b];
            var inBucket = raw.stream().filter(p -> p.currentStep() > after && p.currentStep() <= upTo).toList();
            assertThat(inBucket).as("bucket %d (%d..%d]", b, after, upTo).isNotEmpty();
            counted += inBucket.size();
            for (var series : answer.series().entrySet()) {
                var values = inBucket.stream().map(p -> p.metrics().get(series.getKey()))
                        .filter(v -> v != null).toList();
                if (values.isEmpty()) {
                    assertThat(series.getValue().last()[b]).isNull();
                    continue;
                }
                assertThat(series.getValue().min()[b]).as("min of %s in bucket %d", series.getKey(), b)
                        .isEqualTo(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
                assertThat(series.getValue().max()[b]).as("max of %s in bucket %d", series.getKey(), b)
                        .isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
                assertThat(series.getValue().last()[b]).isEqualTo(values.getLast());
            }
            previous = upTo;
        }
        assertThat(counted).isEqualTo(answer.totalPoints());
        assertThat(previous).isEqualTo(answer.toStep());
    }
}
