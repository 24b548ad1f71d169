package io.agentforge.training.jobs;

import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.training.worker.SoupWorkerMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every phase shares, end to end with real workers: a tiny Cognate run's stats and handoffs, then EvoMerge jobs
 * (a small soup runner of the test's worker) that accept the handoffs, complete them, or reject them when cancelled.
 */
class PhaseHandoffsTest {
    // A ceiling, not an expectation: workers run at nice 19 on a machine shared with other builds.
    private static final Duration LONG = Duration.ofMinutes(8);

    @TempDir
    Path dir;
    JobSystemFixture fixture;
    TrainingJobs service;

    @BeforeEach
    void open() {
        fixture = new JobSystemFixture(dir, null);
        var settings = JobSystemFixture.settings(dir, 1, 1);
        settings = settings.withWorkers(settings.launch().withMainClass(SoupWorkerMain.class.getName()),
                Set.of(ModelPhase.COGNATE, ModelPhase.EVOMERGE));
        service = TrainingJobs.start(fixture.database, fixture.bus, fixture.models, settings);
        fixture.instances.add(service);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void cognateStatsAndHandoffsMoveFromPendingThroughAcceptedToCompletedOrRejected() {
        var cognate = service.submit(JobSystemFixture.tinyJob(2, 0));
        await().atMost(LONG).until(() -> service.job(cognate.jobId()).status().isFinal());
        var done = service.job(cognate.jobId());
        assertThat(done.status()).as(done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);

        var stats = done.stats();
        assertThat(stats).containsKeys("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds",
                "random_baseline_loss", "random_baseline_exact_match", "ancestor_model_id", "models",
                "winner_model_id");
        @SuppressWarnings("unchecked") var hashes = (Map<String, Object>) stats.get("split_hashes");
        assertThat(hashes.keySet()).containsExactlyInAnyOrder("train", "select", "test");
        assertThat((double) stats.get("random_baseline_loss")).isBetween(Math.log(272) - 0.3, Math.log(272) + 0.3);
        assertThat((double) stats.get("random_baseline_exact_match")).isZero();
        var models = (List<?>) stats.get("models");
        assertThat(models).hasSize(3);
        for (var entry : models) {
            @SuppressWarnings("unchecked") var model = (Map<String, Object>) entry;
            assertThat(model.keySet()).contains("model_id", "test_loss", "test_exact_match", "select_loss", "mix");
            var own = (Map<?, ?>) model.get("split_hashes");
            assertThat(own.get("select")).isEqualTo(hashes.get("select"));
            assertThat(own.get("test")).isEqualTo(hashes.get("test"));
        }

        var cognateModels = fixture.models.models(new io.agentforge.contracts.models.ModelQuery(ModelPhase.COGNATE,
                null, null, null, io.agentforge.contracts.PageRequest.first(50))).items();
        var winners = cognateModels.stream().filter(m -> m.isWinner()).toList();
        assertThat(winners).hasSize(1);
        assertThat(winners.getFirst().modelId()).isEqualTo(stats.get("winner_model_id"));
        @SuppressWarnings("unchecked")
        var kept = (Map<String, Object>) winners.getFirst().parameters().get("phase_stats");
        assertThat(kept)
                .containsEntry("winner_artifact", winners.getFirst().name())
                .containsEntry("random_baseline_loss", stats.get("random_baseline_loss"))
                .containsKey("split_hashes");
        var handed = fixture.models.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE);
        assertThat(handed).hasSize(4).allMatch(h -> h.status().equals(ModelHandoff.PENDING));
        assertThat(handed).extracting(ModelHandoff::modelId).contains((String) stats.get("ancestor_model_id"));

        var merge = service.submit(new JobRequest(ModelPhase.EVOMERGE, null, Map.of("generations", 1), 0));
        await().atMost(LONG).until(() -> service.job(merge.jobId()).status().isFinal());
        var merged = service.job(merge.jobId());
        assertThat(merged.status()).as(merged.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(fixture.models.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE))
                .hasSize(4).allMatch(h -> h.status().equals(ModelHandoff.COMPLETED));
        assertThat((List<?>) merged.stats().get("input_models")).hasSize(4)
                .allSatisfy(input -> assertThat(((Map<?, ?>) input).get("checksum").toString()).hasSize(64));
        var onward = fixture.models.handoffs(ModelPhase.EVOMERGE, ModelPhase.QUIETSTAR);
        assertThat(onward).hasSize(1).allMatch(h -> h.status().equals(ModelHandoff.PENDING));
        assertThat(fixture.models.model(onward.getFirst().modelId()).isWinner()).isTrue();

        // Run again: Cognate hands its models once more; the job accepts them, and cancelling it rejects them.
        var again = service.submit(new JobRequest(ModelPhase.EVOMERGE, null, Map.of("generations", 500), 0));
        await().atMost(LONG).until(() -> fixture.models.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE).stream()
                .filter(h -> h.status().equals(ModelHandoff.ACCEPTED)).count() == 4);
        await().atMost(LONG).until(() -> service.job(again.jobId()).status() == TaskStatus.RUNNING);
        service.cancel(again.jobId());
        var rejected = fixture.models.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE).stream()
                .filter(h -> h.status().equals(ModelHandoff.REJECTED)).toList();
        assertThat(rejected).hasSize(4).allSatisfy(h -> assertThat(h.reason()).contains("cancelled"));
        assertThat(fixture.models.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE)).hasSize(8);
    }
}
