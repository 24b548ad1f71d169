package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * EvoMerge end to end through the phase framework, with the service's own workers: a tiny Cognate run, then an
 * EvoMerge job of two generations of four over its three models and their ancestor.
 */
class EvoMergePhaseTest {
    // A ceiling, not an expectation: workers run at nice 19 on a machine shared with other builds.
    private static final Duration LONG = Duration.ofMinutes(8);

    @TempDir
    Path dir;
    JobSystemFixture fixture;
    TrainingJobs service;

    @BeforeEach
    void open() {
        fixture = new JobSystemFixture(dir, null);
        service = fixture.start(1, 1);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void mergesCognatesModelsAndReportsTheWinnerOnTestAgainstItsParents() {
        var cognate = service.submit(JobSystemFixture.tinyJob(2, 0));
        await().atMost(LONG).until(() -> service.job(cognate.jobId()).status().isFinal());
        assertThat(service.job(cognate.jobId()).status()).isEqualTo(TaskStatus.COMPLETED);
        var cognateStats = service.job(cognate.jobId()).stats();

        var parameters = new LinkedHashMap<String, Object>(Map.of("generations", 2, "population", 4,
                "fitness_tokens", 512, "max_train_samples", 200, "max_eval_samples", 20, "seed", 5));
        var merge = service.submit(new JobRequest(ModelPhase.EVOMERGE, null, parameters, 0));
        await().atMost(LONG).until(() -> service.job(merge.jobId()).status().isFinal());
        var merged = service.job(merge.jobId());
        assertThat(merged.status()).as(merged.errorMessage()).isEqualTo(TaskStatus.COMPLETED);

        var stats = merged.stats();
        assertThat(stats).containsKeys("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds",
                "fitness_history", "evaluations", "winner_genome", "winner_test_loss", "parent_test_losses",
                "soup_test_loss", "ancestor_test_loss", "delta_best", "barrier", "winner_model_id");
        assertThat(stats.get("phase")).isEqualTo("evomerge");
        // The same select and test examples as Cognate's runs were measured on.
        @SuppressWarnings("unchecked") var hashes = (Map<String, Object>) stats.get("split_hashes");
        var cognateHashes = (Map<?, ?>) cognateStats.get("split_hashes");
        assertThat(hashes.keySet()).containsExactlyInAnyOrder("train", "select", "test");
        assertThat(hashes.get("select")).isEqualTo(cognateHashes.get("select"));
        assertThat(hashes.get("test")).isEqualTo(cognateHashes.get("test"));
        @SuppressWarnings("unchecked") var effective = (Map<String, Object>) stats.get("parameters");
        assertThat(effective).containsEntry("generations", 2).containsEntry("population", 4)
                .containsEntry("fitness_tokens", 512)
                .containsEntry("methods", List.of("linear", "slerp", "task_arithmetic", "ties", "dare_linear", "dare_ties"));

        var history = (List<?>) stats.get("fitness_history");
        assertThat(history).hasSize(2);
        double best = history.stream().mapToDouble(h -> ((Number) ((Map<?, ?>) h).get("best")).doubleValue()).max()
                .orElseThrow();
        assertThat(((Number) stats.get("winner_fitness")).doubleValue()).isEqualTo(best);
        var evaluations = (List<?>) stats.get("evaluations");
        assertThat(evaluations.stream().mapToDouble(e -> ((Number) ((Map<?, ?>) e).get("fitness")).doubleValue()).max()
                .orElseThrow()).isEqualTo(best);

        // The test comparison is reported whatever its sign: delta_best is exactly best parent minus winner.
        var parentLosses = ((Map<?, ?>) stats.get("parent_test_losses")).values().stream()
                .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        assertThat(parentLosses).hasSize(3);
        double bestParent = java.util.Arrays.stream(parentLosses).min().orElseThrow();
        assertThat(((Number) stats.get("delta_best")).doubleValue())
                .isCloseTo(bestParent - ((Number) stats.get("winner_test_loss")).doubleValue(), within(1e-12));
        assertThat(((Number) stats.get("ancestor_test_loss")).doubleValue()).isCloseTo(Math.log(272), within(0.3));
        assertThat(Double.isFinite(((Number) stats.get("barrier")).doubleValue())).isTrue();

        // Progress: one training_progress per evaluated candidate, with the fitness curve's numbers.
        var progress = fixture.events("training_progress", merged);
        assertThat(progress).hasSize(evaluations.size());
        for (var point : progress) {
            @SuppressWarnings("unchecked") var metrics = (Map<String, Object>) point.get("metrics");
            assertThat(metrics).containsKeys("generation", "best_fitness", "mean_fitness");
        }

        // The winner: saved, marked, its lineage the three parents and the ancestor, handed to Quiet-STaR.
        var winnerId = (String) stats.get("winner_model_id");
        var winner = fixture.models.model(winnerId);
        assertThat(winner.isWinner()).isTrue();
        assertThat(winner.parameters()).containsKeys("merge_genome", "phase_stats");
        var inputIds = ((List<?>) stats.get("input_models")).stream().map(i -> ((Map<?, ?>) i).get("model_id")).toList();
        var stored = fixture.models.stored().stream().filter(s -> s.metadata().modelId().equals(winnerId)).findFirst()
                .orElseThrow();
        assertThat(stored.request().parentModelIds()).containsExactlyInAnyOrderElementsOf(
                inputIds.stream().map(String::valueOf).toList()).hasSize(4);
        var onward = fixture.models.handoffs(ModelPhase.EVOMERGE, ModelPhase.QUIETSTAR);
        assertThat(onward).singleElement().satisfies(h -> {
            assertThat(h.modelId()).isEqualTo(winnerId);
            assertThat(h.status()).isEqualTo(ModelHandoff.PENDING);
        });

        // Paused after its first evaluation and resumed: the next worker computes only the evaluations not done, so
        // the job's history holds each evaluation once, numbered 1..n, and its log one line per evaluation.
        var longer = new LinkedHashMap<>(parameters);
        longer.putAll(Map.of("generations", 5, "population", 6, "seed", 7));
        var paused = service.submit(new JobRequest(ModelPhase.EVOMERGE, null, longer, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(paused) >= 1);
        var worker = fixture.latestWorker(paused).orElseThrow();
        assertThat(service.pause(paused.jobId()).status()).isEqualTo(TaskStatus.PENDING);
        await().atMost(Duration.ofSeconds(60)).until(() -> !worker.isAlive());
        service.resume(paused.jobId());
        await().atMost(LONG).until(() -> service.job(paused.jobId()).status().isFinal());
        var resumed = service.job(paused.jobId());
        assertThat(resumed.status()).as(resumed.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
        var starts = fixture.events("training_started", paused);
        assertThat(starts).hasSize(2);
        int resumedFrom = ((Number) starts.getLast().get("resumed_from_step")).intValue();
        int count = ((Number) resumed.stats().get("evaluation_count")).intValue();
        assertThat(resumedFrom).isBetween(1, count - 1);
        var steps = service.metrics(paused.jobId()).stream()
                .map(io.agentforge.contracts.training.TrainingProgress::currentStep).toList();
        assertThat(steps).hasSize(count).isSorted().doesNotHaveDuplicates();
        assertThat(steps.getFirst()).isEqualTo(1);
    }

    @Test
    void anUnknownOrMalformedParameterIsRefusedByName() {
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.EVOMERGE, null, Map.of("generation", 2), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("generation");
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.EVOMERGE, null,
                Map.of("methods", List.of("ties", "frankenmerge")), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("methods");
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.EVOMERGE, null, Map.of("population", 3), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("population");
    }
}
