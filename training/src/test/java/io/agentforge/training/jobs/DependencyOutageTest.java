package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.testing.RestartablePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a running job does when what it depends on goes away: the Model service when it saves its models, the
 * database while its worker reports progress. Neither is the job's fault, so neither may cost it an attempt or a step
 * of its history.
 */
class DependencyOutageTest {
    /** A bound for a loaded machine; on a quiet one the jobs below take seconds. */
    private static final Duration LONG = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    @Test
    void aJobWhoseModelsCannotBeSavedIsHandedBackWithoutSpendingAnAttemptAndCompletesWhenTheServiceReturns() {
        try (var fixture = new JobSystemFixture(dir, null)) {
            var away = new AtomicBoolean(true);
            // One attempt in all: a hand-back that spent it would fail the job instead of completing it.
            var service = fixture.start(1, 1, sometimesAway(fixture.models, away));
            var job = service.submit(JobSystemFixture.tinyJob(2, 0));

            await().atMost(LONG).until(() -> !fixture.events("training_requeued", job).isEmpty());
            assertThat(fixture.events("training_requeued", job).getFirst())
                    .containsEntry("cause", "dependency_unavailable").containsEntry("status", "pending");
            assertThat(new JobStore(fixture.database).findQueued(job.jobId()).attempts()).isZero();
            assertThat(fixture.models.stored()).isEmpty();
            away.set(false);

            await().atMost(LONG).until(() -> service.job(job.jobId()).status() == TaskStatus.COMPLETED);
            assertThat(fixture.models.stored()).hasSize(4);
            assertThat(fixture.events("training_started", job)).allSatisfy(started ->
                    assertThat(started).containsEntry("attempt", 1));
            // The finished checkpoint is found again: the work is not redone.
            assertThat(((Number) fixture.events("training_started", job).getLast().get("resumed_from_step"))
                    .intValue()).isPositive();
        }
    }

    @Test
    void progressReportedWhileTheDatabaseIsAwayIsWrittenWhenItReturnsWithoutAHoleOrARestart() throws Exception {
        try (var postgres = RestartablePostgres.start(dir.resolve("postgres"));
             var fixture = new JobSystemFixture(dir, postgres.url())) {
            var service = fixture.start(1, 3);
            var job = service.submit(JobSystemFixture.tinyJob(40, 0));
            await().atMost(LONG).until(() -> fixture.lastStep(job) >= 3);

            var stopped = Instant.now();
            postgres.stop();
            // The outage: longer than the test's 4 s lease, while the worker trains on.
            Thread.sleep(6_000);
            var back = Instant.now();
            postgres.start();

            // The pool may take a moment to find the server again.
            await().atMost(LONG).ignoreExceptionsInstanceOf(DependencyUnavailableException.class)
                    .until(() -> service.job(job.jobId()).status() == TaskStatus.COMPLETED);
            var history = service.metrics(job.jobId());
            assertThat(history).extracting(TrainingProgress::currentStep)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 3 * 40).boxed().toList());
            assertThat(history).as("steps the worker reported while the database was away")
                    .anySatisfy(point -> assertThat(point.timestamp()).isBetween(stopped, back));
            assertThat(fixture.events("training_progress", job)).extracting(e -> ((Number) e.get("current_step")).intValue())
                    .doesNotHaveDuplicates().contains(3 * 40);
            assertThat(fixture.events("training_started", job)).as("one run, never restarted").hasSize(1);
        }
    }

    /** The Model service as a remote client sees it: while {@code away}, every call is a 503-style outage. */
    private static ModelService sometimesAway(ModelService models, AtomicBoolean away) {
        return (ModelService) Proxy.newProxyInstance(ModelService.class.getClassLoader(),
                new Class<?>[]{ModelService.class}, (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(models, arguments);
                    }
                    if (away.get()) {
                        throw new DependencyUnavailableException("model service", Duration.ofSeconds(1), null);
                    }
                    try {
                        return method.invoke(models, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
