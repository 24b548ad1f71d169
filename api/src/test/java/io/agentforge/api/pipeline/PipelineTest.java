package io.agentforge.api.pipeline;

import io.agentforge.api.phases.LatestProgress;
import io.agentforge.api.phases.PhaseOrchestrator;
import io.agentforge.api.phases.Prerequisites;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pipeline over a Training service that can run every phase, each job finished by the test's "worker". */
class PipelineTest {
    @TempDir
    Path storage;
    private InProcessEventBus bus;
    private JobLedger training;
    private ModelShelf models;
    private Pipeline pipeline;
    private final List<EventEnvelope> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        bus = new InProcessEventBus();
        training = new JobLedger(bus, EnumSet.allOf(ModelPhase.class));
        models = new ModelShelf(storage);
        var phases = new PhaseOrchestrator(training, new Prerequisites(models), new LatestProgress(bus));
        // A long poll interval: the run must move on from events, not from polling.
        pipeline = new Pipeline(phases, training, models, bus, Duration.ofSeconds(30), Duration.ofSeconds(5));
        bus.subscribe("pipeline_*", events::add);
    }

    @AfterEach
    void stop() {
        pipeline.close();
        bus.close();
    }

    @Test
    void runsAllEightPhasesInOrderHandingEachModelToTheNext() {
        training.onSubmit(job -> {
            if (job.phase() == ModelPhase.COGNATE) {
                for (var seed : List.of(42, 1337, 2023)) {
                    models.save("cognate-seed" + seed, job.phase(), job.jobId(), 100, List.of("model"), "ab");
                }
            } else {
                // Two candidates, one marked: the pipeline must hand on the winner, not the first it sees.
                models.save(job.phase() + "-loser", job.phase(), job.jobId(), 100, List.of(), "ab");
                var winner = models.save(job.phase() + "-winner", job.phase(), job.jobId(), 100, List.of(), "ab");
                models.markWinner(winner.modelId());
            }
            training.progress(job.jobId(), 1, Map.of("loss", 1.0));
            training.complete(job.jobId());
        });

        pipeline.run(Map.of("max_steps", 10));

        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.status().status().equals("completed"));
        var status = pipeline.status();
        assertThat(status.phasesCompleted()).isEqualTo(8);
        assertThat(status.progress()).isEqualTo(1.0);
        assertThat(status.currentPhase()).isEqualTo(ModelPhase.FINAL_COMPRESSION);
        assertThat(training.all()).extracting(job -> job.phase()).containsExactly(ModelPhase.values());
        // The winner, not the first model it sees, is what the run reports as the final model.
        assertThat(models.model(status.message().substring(status.message().lastIndexOf(' ') + 1)).name())
                .isEqualTo("final-compression-winner");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events)
                .extracting(e -> e.event().eventType()).contains(EventTypes.PIPELINE_COMPLETE));
    }

    @Test
    void aFailedPhaseFailsTheRunAtThatPhase() {
        training.onSubmit(job -> training.fail(job.jobId(), "loss became NaN at step 7"));

        pipeline.run(Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.status().status().equals("failed"));
        assertThat(pipeline.status().message()).contains("NaN");
        assertThat(pipeline.status().currentPhase()).isEqualTo(ModelPhase.COGNATE);
        assertThat(pipeline.status().phasesCompleted()).isZero();
    }

    @Test
    void aPhaseWithSeveralModelsAndNoWinnerFailsTheRunRatherThanGuessing() {
        training.onSubmit(job -> {
            if (job.phase() == ModelPhase.COGNATE) {
                for (var seed : List.of(42, 1337, 2023)) {
                    models.save("cognate-seed" + seed, job.phase(), job.jobId(), 100, List.of("model"), "ab");
                }
            } else {
                models.save("a", job.phase(), job.jobId(), 100, List.of(), "ab");
                models.save("b", job.phase(), job.jobId(), 100, List.of(), "ab");
            }
            training.complete(job.jobId());
        });

        pipeline.run(Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.status().status().equals("failed"));
        assertThat(pipeline.status().message()).contains("marked none the winner");
        assertThat(pipeline.status().phasesCompleted()).isEqualTo(1);
    }
}
