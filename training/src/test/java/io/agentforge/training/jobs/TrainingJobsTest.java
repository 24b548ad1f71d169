package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The job system with real worker JVMs training {@code tiny} models, on an embedded database. */
class TrainingJobsTest {
    private static final Duration LONG = Duration.ofMinutes(3);

    @TempDir
    Path dir;
    JobSystemFixture fixture;

    @BeforeEach
    void open() {
        fixture = new JobSystemFixture(dir, null);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void runsACognateJobToCompletionWithEventsHistoryAndFourModels() throws Exception {
        var service = fixture.start(2, 3);

        var job = service.submit(JobSystemFixture.tinyJob(4, 0));
        await().atMost(LONG).until(() -> service.job(job.jobId()).status() == TaskStatus.COMPLETED);

        var done = service.job(job.jobId());
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.completedAt()).isNotNull();
        assertThat(fixture.events("training_started", job)).hasSize(1);
        // Any client can replay the finished run from its start event.
        assertThat(done.startedEventId()).isEqualTo(fixture.eventIds("training_started", job).getFirst());
        assertThat(fixture.events("training_progress", job)).hasSize(12);
        var completed = fixture.events("training_completed", job);
        assertThat(completed).hasSize(1);
        var history = service.metrics(job.jobId());
        assertThat(history).extracting(TrainingProgress::currentStep).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(history).allSatisfy(p -> assertThat(p.metrics()).containsKeys("loss", "lr", "tokens_per_sec"));
        assertThat(history.getLast().metrics()).containsKeys("eta_seconds", "eval_loss");
        // Tokens seen: the sum of each step's counted tokens (batch of 4 examples, so at least 4 per step).
        double sum = 0;
        for (var point : history) {
            assertThat(point.metrics().get("tokens")).isGreaterThanOrEqualTo(4.0);
            sum += point.metrics().get("tokens");
            assertThat(point.metrics().get("tokens_seen")).isEqualTo(sum);
        }

        var stored = fixture.models.stored();
        assertThat(stored).hasSize(4);
        var ancestor = stored.stream().filter(s -> s.metadata().name().equals("cognate-ancestor")).findFirst().orElseThrow();
        var trained = stored.stream().filter(s -> s.metadata().name().startsWith("cognate-seed")).toList();
        assertThat(trained).extracting(s -> s.metadata().name())
                .containsExactlyInAnyOrder("cognate-seed42", "cognate-seed1337", "cognate-seed2023");
        for (var model : trained) {
            assertThat(model.metadata().trainingJobId()).isEqualTo(job.jobId());
            assertThat(model.request().parentModelIds()).containsExactly(ancestor.metadata().modelId());
            assertThat(model.metadata().metrics()).containsKeys("final_loss", "parameter_count", "best_eval_loss");
            assertThat(model.metadata().phase()).isEqualTo(ModelPhase.COGNATE);
            assertThat(model.metadata().parameters()).containsKey("parameter_count");
            try (var zip = new ZipFile(model.metadata().filePath())) {
                assertThat(zip.getEntry("config.json")).isNotNull();
                assertThat(zip.getEntry("training_stats.json")).isNotNull();
                assertThat(zip.getEntry("model.safetensors")).isNotNull();
            }
        }
        assertThat(((Map<?, ?>) completed.getFirst().get("models")).keySet()).hasSize(4);
    }

    @Test
    void runsAtMostMaxConcurrentJobsAndStartsWaitingJobsInPriorityOrder() {
        var service = fixture.start(1, 3);
        var first = service.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> service.job(first.jobId()).status() == TaskStatus.RUNNING);
        var low = service.submit(JobSystemFixture.tinyJob(400, 0));
        var high = service.submit(JobSystemFixture.tinyJob(400, 5));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                service.job(low.jobId()).status() == TaskStatus.PENDING
                        && service.job(high.jobId()).status() == TaskStatus.PENDING);
        service.cancel(first.jobId());

        await().atMost(LONG).until(() -> service.job(high.jobId()).status() == TaskStatus.RUNNING);
        assertThat(service.job(low.jobId()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(service.jobs(new JobQuery(null, TaskStatus.RUNNING, null)).total()).isEqualTo(1);
    }

    @Test
    void cancelsRunningJobStopsItsWorkerAndKeepsTheLastCheckpoint() {
        var service = fixture.start(2, 3);
        var job = service.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 7);
        var worker = fixture.latestWorker(job).orElseThrow();

        var cancelled = service.cancel(job.jobId());

        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
        await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isAlive());
        assertThat(dir.resolve("jobs").resolve(job.jobId()).resolve("run-42/checkpoint/checkpoint.ckpt")).exists();
        assertThat(service.job(job.jobId()).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(fixture.events("training_cancelled", job)).hasSize(1);
        assertThatThrownBy(() -> service.cancel(job.jobId())).isInstanceOf(ConflictException.class);
    }

    @Test
    void pausedJobResumesFromItsCheckpointAndItsHistoryReadsAsOneRun() {
        var service = fixture.start(2, 3);
        var job = service.submit(JobSystemFixture.tinyJob(15, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 8);
        var worker = fixture.latestWorker(job).orElseThrow();

        var paused = service.pause(job.jobId());
        assertThat(paused.status()).isEqualTo(TaskStatus.PENDING);
        await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isAlive());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> service.job(job.jobId()).status() == TaskStatus.PENDING);
        service.resume(job.jobId());

        await().atMost(LONG).until(() -> service.job(job.jobId()).status() == TaskStatus.COMPLETED);
        var starts = fixture.events("training_started", job);
        assertThat(starts).hasSize(2);
        assertThat(((Number) starts.getLast().get("resumed_from_step")).intValue()).isGreaterThanOrEqualTo(5);
        var steps = service.metrics(job.jobId()).stream().map(TrainingProgress::currentStep).toList();
        assertThat(steps).hasSize(45).isSorted().doesNotHaveDuplicates();
        // The resumed run counts its tokens on from its checkpoint's: one sum over the run as if uninterrupted.
        double sum = 0;
        for (var point : service.metrics(job.jobId())) {
            sum += point.metrics().get("tokens");
            assertThat(point.metrics().get("tokens_seen")).isEqualTo(sum);
        }
        assertThat(service.job(job.jobId()).startedEventId())
                .isEqualTo(fixture.eventIds("training_started", job).getFirst());
        // The chart blocks dropped the repeated steps with the raw rows: every point once.
        var chart = service.metricBuckets(job.jobId(), new io.agentforge.contracts.training.MetricWindow(4, null, null,
                java.util.Set.of()));
        assertThat(chart.totalPoints()).isEqualTo(45);
        assertThat(chart.toStep()).isEqualTo(45);

        var uninterrupted = service.submit(JobSystemFixture.tinyJob(15, 0));
        await().atMost(LONG).until(() -> service.job(uninterrupted.jobId()).status() == TaskStatus.COMPLETED);
        var resumedLosses = service.metrics(job.jobId()).stream().map(p -> p.metrics().get("loss")).toList();
        var straightLosses = service.metrics(uninterrupted.jobId()).stream().map(p -> p.metrics().get("loss")).toList();
        for (int i = 0; i < straightLosses.size(); i++) {
            assertThat(resumedLosses.get(i)).as("loss at step %d", i + 1)
                    .isCloseTo(straightLosses.get(i), org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void aKilledWorkerIsRetriedFromItsLastCheckpoint() {
        var service = fixture.start(2, 3);
        var job = service.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 7);

        fixture.latestWorker(job).orElseThrow().destroyForcibly();

        await().atMost(LONG).until(() -> fixture.events("training_started", job).size() == 2);
        var restart = fixture.events("training_started", job).getLast();
        assertThat(((Number) restart.get("resumed_from_step")).intValue()).isGreaterThanOrEqualTo(5);
        assertThat(((Number) restart.get("attempt")).intValue()).isEqualTo(2);
        assertThat(service.job(job.jobId()).status()).isEqualTo(TaskStatus.RUNNING);
        // Followers learn that the job went back to the queue, instead of seeing "running" until it starts again.
        assertThat(fixture.events("training_requeued", job)).singleElement()
                .satisfies(requeued -> assertThat(requeued).containsEntry("cause", "worker_fault")
                        .containsEntry("status", "pending"));
    }

    @Test
    void aWorkerTerminatedWithSigtermCheckpointsAndIsRequeuedWithoutSpendingAnAttempt() {
        // One attempt in all: a worker stopped from outside must not use it up.
        var service = fixture.start(2, 1);
        var job = service.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 3);
        int before = fixture.lastStep(job);

        fixture.latestWorker(job).orElseThrow().destroy();

        await().atMost(LONG).until(() -> fixture.events("training_started", job).size() == 2);
        assertThat(fixture.events("training_requeued", job)).singleElement()
                .satisfies(requeued -> assertThat(requeued).containsEntry("cause", "worker_stopped"));
        var restart = fixture.events("training_started", job).getLast();
        // It checkpointed on its way out, at or after the step seen when it was told to stop.
        assertThat(((Number) restart.get("resumed_from_step")).intValue()).isGreaterThanOrEqualTo(before);
        assertThat(((Number) restart.get("attempt")).intValue()).isEqualTo(1);
        service.cancel(job.jobId());
    }

    @Test
    void aWorkerKilledOnItsLastAttemptFailsTheJobWithTheReasonAndItsLogTail() {
        var service = fixture.start(2, 2);
        var job = service.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 2);
        fixture.latestWorker(job).orElseThrow().destroyForcibly();
        await().atMost(LONG).until(() -> fixture.events("training_started", job).size() == 2);

        fixture.latestWorker(job).orElseThrow().destroyForcibly();

        await().atMost(LONG).until(() -> service.job(job.jobId()).status() == TaskStatus.FAILED);
        var failed = service.job(job.jobId());
        assertThat(failed.errorMessage()).contains("worker died", "killed", "attempt 2 of 2",
                "last lines of the worker log", "attempt 2");
        assertThat(fixture.events("training_failed", job)).hasSize(1);
    }

    @Test
    void aCrashedInstancesJobIsTakenOverByTheNextInstanceNeverLeftRunning() {
        var first = fixture.start(2, 3);
        var job = first.submit(JobSystemFixture.tinyJob(12, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 7);

        first.scheduler().halt();
        // One attempt in all: taking over a crashed instance's job must not spend it (the job did nothing wrong).
        var second = fixture.start(2, 1);

        await().atMost(LONG).until(() -> second.job(job.jobId()).status() == TaskStatus.COMPLETED);
        assertThat(fixture.events("training_requeued", job)).singleElement()
                .satisfies(requeued -> assertThat(requeued).containsEntry("cause", "lease_expired"));
        var restart = fixture.events("training_started", job).getLast();
        assertThat(((Number) restart.get("resumed_from_step")).intValue()).isGreaterThanOrEqualTo(5);
        var steps = second.metrics(job.jobId()).stream().map(TrainingProgress::currentStep).toList();
        assertThat(steps).hasSize(36).isSorted().doesNotHaveDuplicates();
        assertThat(fixture.models.stored()).hasSize(4);
    }

    @Test
    void aRunWhoseLeaseAnotherInstanceTookIsKilledWithoutWritingACheckpoint() {
        var service = fixture.start(2, 3);
        var request = JobSystemFixture.tinyJob(400, 0);
        var parameters = new LinkedHashMap<>(request.parameters());
        parameters.put("checkpoint_interval", 100_000);
        var job = service.submit(new JobRequest(request.phase(), null, parameters, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 3);
        var worker = fixture.latestWorker(job).orElseThrow();

        fixture.database.withConnection(connection -> {
            try (var update = connection.prepareStatement(
                    "UPDATE training_jobs SET lease_owner = 'another-instance' WHERE id = ?")) {
                update.setString(1, job.jobId());
                return update.executeUpdate();
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isAlive());
        assertThat(dir.resolve("jobs").resolve(job.jobId()).resolve("run-42/checkpoint/checkpoint.ckpt")).doesNotExist();
        assertThat(service.job(job.jobId()).status()).isIn(TaskStatus.RUNNING, TaskStatus.PENDING);
    }

    @Test
    void aCleanlyStoppedInstanceHandsItsJobBackAtACheckpointWithoutUsingARetry() {
        var first = fixture.start(2, 3);
        var job = first.submit(JobSystemFixture.tinyJob(400, 0));
        await().atMost(LONG).until(() -> fixture.lastStep(job) >= 7);
        var worker = fixture.latestWorker(job).orElseThrow();

        first.close();

        assertThat(worker.isAlive()).isFalse();
        var queued = new JobStore(fixture.database).findQueued(job.jobId());
        assertThat(queued.job().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(queued.attempts()).isZero();
        // The bus hands events to subscribers on its own thread: the event may arrive just after close() returned.
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.events("training_requeued", job).isEmpty());
        assertThat(fixture.events("training_requeued", job)).singleElement()
                .satisfies(requeued -> assertThat(requeued).containsEntry("cause", "service_stopped"));
        assertThat(dir.resolve("jobs").resolve(job.jobId()).resolve("run-42/checkpoint/checkpoint.ckpt")).exists();
        var second = fixture.start(2, 3);
        await().atMost(LONG).until(() -> fixture.events("training_started", job).size() == 2);
        assertThat(((Number) fixture.events("training_started", job).getLast().get("resumed_from_step")).intValue())
                .isGreaterThanOrEqualTo(7);
        second.cancel(job.jobId());
    }

    @Test
    void refusesBadRequestsByNameAndChangesNothing() {
        var service = fixture.start(2, 3);
        var finished = service.submit(JobSystemFixture.tinyJob(1, 0));
        await().atMost(LONG).until(() -> service.job(finished.jobId()).status() == TaskStatus.COMPLETED);

        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.COGNATE, null, Map.of("max_stepz", 3), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_stepz");
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.COGNATE, null, Map.of("max_steps", -3), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_steps");
        // Every phase has a runner now: a Quiet-STaR request is checked like the others.
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.QUIETSTAR, null,
                Map.of("reinforce_stepz", 3), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("reinforce_stepz");
        assertThat(service.implementedPhases()).containsExactlyInAnyOrder(ModelPhase.values());
        // BitNet and Forge Training run here: their requests are checked, another phase's parameter is a 400.
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.BITNET, null, Map.of("patience", 3), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("patience");
        assertThatThrownBy(() -> service.submit(new JobRequest(ModelPhase.FORGE_TRAINING, null,
                Map.of("ramp_share", 0.2), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("ramp_share");
        assertThat(service.implementedPhases()).contains(ModelPhase.BITNET, ModelPhase.FORGE_TRAINING);
        assertThatThrownBy(() -> service.job("no-such-job")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.cancel(finished.jobId())).isInstanceOf(ConflictException.class);
        assertThat(service.jobs(JobQuery.all()).total()).isEqualTo(1);
        assertThat(service.job(finished.jobId()).status()).isEqualTo(TaskStatus.COMPLETED);
    }
}
