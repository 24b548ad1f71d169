package io.agentforge.training.supervisor;

import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.WorkerMessage;
import io.agentforge.training.worker.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real worker JVM training the {@code tiny} preset. */
class WorkerProcessTest {
    private static final WorkerLaunch LAUNCH = WorkerLaunch.forConcurrentJobs(2);

    private static WorkerSpec spec(Path dir, int maxSteps, int checkpointInterval, int attempt) {
        var parameters = PhaseParameters.of(new JobRequest(ModelPhase.COGNATE, null, Map.of("model_preset", "tiny",
                "max_steps", maxSteps, "batch_size", 4, "max_train_samples", 200, "max_eval_samples", 20,
                "checkpoint_interval", checkpointInterval, "eval_interval", checkpointInterval), null),
                dir.resolve("datasets"));
        return new WorkerSpec("job-1", ModelPhase.COGNATE, parameters, dir, attempt);
    }

    @Test
    void trainsTheAncestorAndThreeSeedsAndReportsEachStep(@TempDir Path dir) throws Exception {
        var messages = new CopyOnWriteArrayList<WorkerMessage>();
        var worker = WorkerProcess.start(LAUNCH, spec(dir, 3, 3, 1), messages::add);

        var exit = worker.exit().get(3, TimeUnit.MINUTES);

        assertThat(exit.exitCode()).as(exit.logTail()).isZero();
        assertThat(exit.completed()).isTrue();
        assertThat(firstNonHeartbeat(messages)).isInstanceOf(WorkerMessage.Started.class);
        var steps = messages.stream().filter(WorkerMessage.Progress.class::isInstance)
                .map(WorkerMessage.Progress.class::cast).toList();
        assertThat(steps).extracting(WorkerMessage.Progress::step).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(steps).allSatisfy(step -> assertThat(step.metrics()).containsKeys("loss", "lr", "tokens_per_sec"));
        assertThat(steps.getLast().metrics()).containsKey("eta_seconds");
        var artifacts = ((WorkerMessage.Completed) exit.last()).artifacts();
        // The winner (lowest select loss) is reported last, so that its metadata can name every other model.
        assertThat(artifacts).extracting(WorkerMessage.Artifact::name).containsExactlyInAnyOrder("cognate-ancestor",
                "cognate-seed42", "cognate-seed1337", "cognate-seed2023");
        assertThat(artifacts.getLast().name()).startsWith("cognate-seed");
        for (var artifact : artifacts.stream().filter(a -> a.name().startsWith("cognate-seed")).toList()) {
            assertThat(artifact.directory().resolve("config.json")).exists();
            assertThat(artifact.directory().resolve("training_stats.json")).exists();
            assertThat(artifact.parent()).isEqualTo("cognate-ancestor");
            assertThat(artifact.metrics()).containsKeys("final_loss", "parameter_count");
        }
    }

    @Test
    void stopsAtACheckpointOnRequestAndAStartAgainContinuesFromIt(@TempDir Path dir) throws Exception {
        var messages = new CopyOnWriteArrayList<WorkerMessage>();
        var worker = WorkerProcess.start(LAUNCH, spec(dir, 400, 5, 1), messages::add);
        await().atMost(Duration.ofMinutes(2)).until(() -> messages.stream()
                .anyMatch(m -> m instanceof WorkerMessage.Progress p && p.step() >= 7));

        worker.requestStop();
        var exit = worker.exit().get(1, TimeUnit.MINUTES);

        assertThat(exit.exitCode()).as(exit.logTail()).isEqualTo(3);
        var stoppedAt = ((WorkerMessage.Stopped) exit.last()).step();
        assertThat(stoppedAt).isGreaterThanOrEqualTo(7);
        assertThat(dir.resolve("run-42/checkpoint/checkpoint.ckpt")).exists();

        var again = new CopyOnWriteArrayList<WorkerMessage>();
        var second = WorkerProcess.start(LAUNCH, spec(dir, 400, 5, 2), again::add);
        await().atMost(Duration.ofMinutes(2)).until(() -> again.stream().anyMatch(WorkerMessage.Progress.class::isInstance));
        second.kill();

        var started = (WorkerMessage.Started) firstNonHeartbeat(again);
        assertThat(started.resumedFromStep()).isEqualTo(stoppedAt);
        var firstStep = again.stream().filter(WorkerMessage.Progress.class::isInstance)
                .map(WorkerMessage.Progress.class::cast).findFirst().orElseThrow();
        assertThat(firstStep.step()).isEqualTo(stoppedAt + 1);
        assertThat(Files.readString(dir.resolve("worker-2.log"))).contains("attempt 2");
        assertThat(second.exit().get(30, TimeUnit.SECONDS).exitCode()).isNotIn(0, 3);
    }

    @Test
    void aWorkerWhoseSupervisorVanishesHaltsAtOnceLeavingItsPeriodicCheckpoint(@TempDir Path dir) throws Exception {
        var messages = new CopyOnWriteArrayList<WorkerMessage>();
        var worker = WorkerProcess.start(LAUNCH, spec(dir, 400, 5, 1), messages::add);
        await().atMost(Duration.ofMinutes(2)).until(() -> messages.stream()
                .anyMatch(m -> m instanceof WorkerMessage.Checkpointed c && c.step() == 5));

        worker.closeInput();

        var exit = worker.exit().get(1, TimeUnit.MINUTES);
        assertThat(exit.exitCode()).as(exit.logTail()).isEqualTo(4);
        assertThat(exit.last()).isNull();
        assertThat(exit.logTail()).contains("supervisor gone");
        assertThat(dir.resolve("run-42/checkpoint/checkpoint.ckpt")).exists();
    }


    private static WorkerMessage firstNonHeartbeat(List<WorkerMessage> messages) {
        return messages.stream().filter(m -> !(m instanceof WorkerMessage.Heartbeat)).findFirst().orElseThrow();
    }

    @Test
    void workersLogTextWhateverTheServicesLogFormat() {
        var environment = new HashMap<>(Map.of("LOG_FORMAT", "json"));

        WorkerLaunch.forConcurrentJobs(1).environment(environment);

        assertThat(environment).containsEntry("LOG_FORMAT", "text");
    }
}
