package io.agentforge.training.jobs;

import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.testing.PostgresServerFixture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several Training service instances on one real PostgreSQL, as in distributed mode. */
class SharedDatabaseTest {
    private static final Duration LONG = Duration.ofMinutes(4);
    /** Each job must start once here: a lease no stall of a loaded CI machine outlasts (the fixture's is 4 s). */
    private static final Duration SHARING_LEASE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @AutoClose
    JobSystemFixture fixture;

    @Test
    void twoInstancesShareTheQueueEachUnderItsCapAndNeverRunTheSameJob() {
        fixture = new JobSystemFixture(dir, PostgresServerFixture.freshDatabase().url());
        var one = fixture.start(1, 3, SHARING_LEASE);
        var two = fixture.start(1, 3, SHARING_LEASE);
        var jobs = new ArrayList<io.agentforge.contracts.training.TrainingJob>();
        for (int i = 0; i < 4; i++) {
            jobs.add((i % 2 == 0 ? one : two).submit(JobSystemFixture.tinyJob(3, 0)));
        }
        var mostRunning = new AtomicInteger();

        await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> {
            mostRunning.accumulateAndGet((int) one.jobs(new JobQuery(null, TaskStatus.RUNNING, null)).total(), Math::max);
            return one.jobs(new JobQuery(null, TaskStatus.COMPLETED, null)).total() == 4;
        });

        assertThat(mostRunning.get()).isBetween(1, 2);
        for (var job : jobs) {
            assertThat(fixture.events("training_started", job)).as("starts of %s", job.jobId()).hasSize(1);
            assertThat(fixture.events("training_completed", job)).hasSize(1);
        }
        var instances = jobs.stream().map(job -> fixture.events("training_started", job).getFirst().get("instance"))
                .distinct().count();
        assertThat(instances).as("instances that ran jobs").isEqualTo(2);
        assertThat(fixture.models.stored()).hasSize(16);
    }

    @Test
    void aJobOfAnInstanceKilledWithSigkillIsResumedByAnotherAndNeverLeftRunning() throws Exception {
        var database = PostgresServerFixture.freshDatabase();
        fixture = new JobSystemFixture(dir, database.url());
        var otherInstance = fixture.startInstanceProcess();
        var job = new JobStore(fixture.database).insert(
                submittable(JobSystemFixture.tinyJob(12, 0)));
        await().atMost(LONG).until(() -> fixture.currentStep(job.jobId()) >= 7);

        otherInstance.destroyForcibly();
        otherInstance.waitFor();
        var orphan = workerPid(job.jobId(), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
        var survivor = fixture.start(2, 3);

        await().atMost(LONG).until(() -> survivor.job(job.jobId()).status() == TaskStatus.COMPLETED);
        var restart = fixture.events("training_started", job).getFirst();
        assertThat(((Number) restart.get("resumed_from_step")).intValue()).isGreaterThanOrEqualTo(5);
        var steps = survivor.metrics(job.jobId()).stream().map(TrainingProgress::currentStep).toList();
        assertThat(steps).hasSize(36).isSorted().doesNotHaveDuplicates();
        assertThat(fixture.models.stored()).hasSize(4);
    }

    private io.agentforge.contracts.training.JobRequest submittable(io.agentforge.contracts.training.JobRequest request) {
        var parameters = io.agentforge.training.parameters.PhaseParameters.of(request, dir.resolve("datasets"));
        return new io.agentforge.contracts.training.JobRequest(request.phase(),
                parameters.config(dir.resolve("jobs").toString()), parameters.asMap(), 0);
    }

    /** The worker's pid, from the first line it writes to its log. */
    private long workerPid(String jobId, int attempt) throws Exception {
        var line = Files.readAllLines(dir.resolve("jobs").resolve(jobId).resolve("worker-" + attempt + ".log"))
                .stream().filter(l -> l.startsWith("worker ")).findFirst().orElseThrow();
        return Long.parseLong(line.substring("worker ".length(), line.indexOf(':')));
    }
}
