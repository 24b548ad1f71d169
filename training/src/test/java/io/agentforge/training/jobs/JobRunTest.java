package io.agentforge.training.jobs;

import io.agentforge.contracts.training.JobRequest;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JobRunTest {
    @TempDir
    Path dir;

    /**
     * Seen at the end of a fuzz run: pipeline runs stopped right after they queued their Cognate job cancelled it while
     * its worker was being started. The cancel found no worker to stop yet; the run counted as released (so holding no
     * slot) and its worker trained on beside the next job claimed, forty of them with {@code MAX_CONCURRENT_JOBS=1}.
     */
    @Test
    void aRunReleasedBeforeItsWorkerExistedStopsTheWorkerOnceItIsStarted() throws Exception {
        try (var fixture = new JobSystemFixture(dir, null)) {
            var settings = JobSystemFixture.settings(dir, 1, 3);
            var store = new JobStore(fixture.database);
            var queue = new JobQueue(fixture.database);
            var request = JobSystemFixture.tinyJob(50_000, 0);
            var parameters = PhaseParameters.of(request, settings.datasetsDir());
            store.insert(new JobRequest(request.phase(), parameters.config(settings.jobsDir().toString()),
                    parameters.asMap(), request.priority()), null);
            var claimed = queue.claimNext(settings.owner(), settings.lease(), Integer.MAX_VALUE).orElseThrow();
            var spec = new WorkerSpec(claimed.jobId(), claimed.job().phase(), parameters,
                    settings.jobDir(claimed.jobId()), 1, List.of(), null, settings.owner());
            var run = new JobRun(claimed, spec, settings.owner(), store, queue, new JobMetricHistory(fixture.database),
                    new JobEvents(fixture.bus), new SubJobStore(fixture.database), () -> { });

            // The cancel arrives while the scheduler is still starting the worker's process.
            run.release("the job is cancelled", Duration.ofSeconds(2));
            var worker = run.start(settings.launch());

            try {
                // 3 x 50,000 steps would train for hours: it ends within the bound only because it was stopped.
                var exit = worker.exit().get(2, TimeUnit.MINUTES);
                // Stopped at a checkpoint when asked, or killed after the grace: either way by the stop, not a failure.
                assertThat(exit.stopped() || exit.exitCode() == 137).as(exit.reason() + "\n" + exit.logTail()).isTrue();
                assertThat(worker.isAlive()).isFalse();
            } finally {
                worker.kill();
            }
        }
    }
}
