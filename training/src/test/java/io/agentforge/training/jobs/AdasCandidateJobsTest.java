package io.agentforge.training.jobs;

import io.agentforge.contracts.models.ModelArchive;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.engine.search.Pareto;
import io.agentforge.platform.testing.PostgresServerFixture;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.SubJobTask;
import io.agentforge.training.worker.TinyIncomingModel;
import io.agentforge.training.worker.TinyRunParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ADAS's candidates as sub-jobs on the shared queue (candidate_jobs 1): two Training replicas on one real PostgreSQL
 * evaluate a search's candidates between them, each evaluation names its replica, and the losses and parameter
 * counts equal those of the same search evaluated in one worker.
 */
class AdasCandidateJobsTest {
    // A ceiling, not an expectation: workers run at nice 19 on a machine shared with other builds.
    private static final Duration LONG = Duration.ofMinutes(8);

    @TempDir
    Path dir;
    JobSystemFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static Map<String, Object> adas(int candidateJobs) {
        var parameters = TinyRunParameters.arithmetic(6, 6);
        parameters.put("population", 3);
        parameters.put("generations", 2);
        parameters.put("candidate_steps", 6);
        parameters.put("parameter_cap", 120_000);
        parameters.put("latency_runs", 5);
        parameters.put("tool_use_examples", 2);
        parameters.put("candidate_jobs", candidateJobs);
        return parameters;
    }

    @Test
    void twoReplicasEvaluateTheCandidatesBetweenThemWithTheLossesAndSizesOfAnInProcessSearch() throws Exception {
        fixture = new JobSystemFixture(dir, PostgresServerFixture.freshDatabase().url());
        var one = fixture.start(1, 3);
        var two = fixture.start(1, 3);
        handToAdas(TinyIncomingModel.export(ModelPhase.ADAS, adas(0), dir.resolve("incoming")));

        var queued = one.submit(new JobRequest(ModelPhase.ADAS, null, adas(1), 0));
        var done = awaitCompleted(one, queued);
        var stats = done.stats();
        assertThat(stats.get("candidate_evaluation").toString()).startsWith("sub-jobs");
        var evaluations = maps(stats.get("evaluations"));
        assertThat(evaluations).hasSizeGreaterThanOrEqualTo(3);
        var replicas = new HashSet<Object>();
        evaluations.forEach(e -> replicas.add(e.get("replica")));
        assertThat(replicas).as("the replicas that evaluated candidates")
                .containsExactlyInAnyOrder(one.scheduler().settings().owner(), two.scheduler().settings().owner());
        assertThat(((Map<?, ?>) stats.get("noise_floor")).get("rerun_replica")).isIn(replicas);
        assertFrontIsTheNonDominatedSet(evaluations, maps(stats.get("pareto_front")));

        // One sub-job per evaluation and the noise floor's re-run, all completed, none listed or announced as a job.
        var subJobs = new SubJobStore(fixture.database).states(queued.jobId());
        assertThat(subJobs).hasSize(evaluations.size() + 1)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(TaskStatus.COMPLETED));
        assertThat(one.jobs(JobQuery.all()).items()).extracting(TrainingJob::jobId).containsExactly(queued.jobId());
        assertThat(two.jobs(new JobQuery(ModelPhase.ADAS, null, null)).total()).isEqualTo(1);
        assertThat(fixture.events.stream().map(e -> e.event().data().get("job_id")).distinct().toList())
                .containsExactly(queued.jobId());

        // The same search in the job's own worker: the same losses and parameter counts for the architectures both
        // evaluated (at least the first generation, drawn from the seed; latencies differ, so may what follows).
        var reference = awaitCompleted(two, two.submit(new JobRequest(ModelPhase.ADAS, null, adas(0), 0))).stats();
        assertThat(reference.get("candidate_evaluation").toString()).startsWith("in this job's worker");
        var inProcess = new HashMap<Object, Map<String, Object>>();
        maps(reference.get("evaluations")).forEach(e -> inProcess.put(e.get("config"), e));
        int compared = 0;
        for (var e : evaluations) {
            var same = inProcess.get(e.get("config"));
            if (same == null) {
                continue;
            }
            compared++;
            assertThat(number(e, "select_loss")).as("select loss of %s", e.get("config"))
                    .isEqualTo(number(same, "select_loss"));
            assertThat(number(e, "parameters")).isEqualTo(number(same, "parameters"));
        }
        assertThat(compared).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPausedParentsUnfinishedSubJobsAreCancelledAndAskingAgainQueuesThemWhileKeepingTheFinished() {
        fixture = new JobSystemFixture(dir, null);
        var store = new JobStore(fixture.database);
        var request = new JobRequest(ModelPhase.ADAS, null, adas(1), 2);
        var parameters = PhaseParameters.of(request, dir.resolve("datasets"));
        var parentJob = store.insert(new JobRequest(ModelPhase.ADAS, parameters.config(dir.resolve("jobs").toString()),
                parameters.asMap(), 2));
        var parent = store.findQueued(parentJob.jobId());
        var subJobs = new SubJobStore(fixture.database);
        var tasks = List.of(task("a"), task("b"));
        subJobs.queue(parent, tasks);
        subJobs.queue(parent, tasks);
        var states = subJobs.states(parent.jobId());
        assertThat(states).hasSize(2).allSatisfy(s -> assertThat(s.status()).isEqualTo(TaskStatus.PENDING));
        var first = store.findQueued(states.getFirst().jobId());
        assertThat(first.parentJobId()).isEqualTo(parent.jobId());
        assertThat(first.priority()).as("above its parent, so that a waiting parent is not overtaken").isEqualTo(3);
        assertThat(first.task()).isIn(tasks);
        new JobQueue(fixture.database).claimNext("replica-a", Duration.ofSeconds(30), 10).orElseThrow();
        var finished = store.list(JobQuery.all());
        assertThat(finished.items()).extracting(TrainingJob::jobId).containsExactly(parent.jobId());
        assertThat(store.countByStatus().get(TaskStatus.PENDING)).isEqualTo(1);

        // One completes; then the parent is paused: the other is cancelled; the resumed parent asks again.
        var claimed = states.stream().map(s -> store.findQueued(s.jobId()))
                .filter(j -> j.job().status() == TaskStatus.RUNNING).findFirst().orElseThrow();
        new JobQueue(fixture.database).finishIfOwner(claimed.jobId(), "replica-a", TaskStatus.COMPLETED, "completed", null);
        assertThat(subJobs.cancelUnfinished(parent.jobId(), "paused")).hasSize(1);
        subJobs.queue(parent, tasks);
        var after = new HashMap<String, TaskStatus>();
        subJobs.states(parent.jobId()).forEach(s -> after.put(s.jobId(), s.status()));
        assertThat(after).hasSize(2).containsEntry(claimed.jobId(), TaskStatus.COMPLETED)
                .containsValue(TaskStatus.PENDING);
    }

    private static SubJobTask task(String key) {
        return new SubJobTask(SubJobTask.ADAS_CANDIDATE, key, Map.of("seed", 1));
    }

    private static TrainingJob awaitCompleted(TrainingJobs service, TrainingJob job) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(500))
                .until(() -> service.job(job.jobId()).status().isFinal());
        var done = service.job(job.jobId());
        assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
        return done;
    }

    private static void assertFrontIsTheNonDominatedSet(List<Map<String, Object>> evaluations,
                                                        List<Map<String, Object>> front) {
        assertThat(front).isNotEmpty();
        for (var e : evaluations) {
            boolean onFront = front.stream().anyMatch(m -> m.get("config").equals(e.get("config")));
            boolean dominated = front.stream().anyMatch(m -> Pareto.dominates(objectives(m), objectives(e)));
            assertThat(onFront != dominated).as("on the front or dominated by it, not both: %s", e).isTrue();
        }
    }

    private static double[] objectives(Map<String, Object> e) {
        return new double[]{number(e, "select_loss"), number(e, "parameters"), number(e, "latency_ms")};
    }

    private static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        return (List<Map<String, Object>>) list;
    }

    private void handToAdas(Path export) {
        var saved = fixture.models.save(new NewModel("tool-persona-winner", ModelPhase.TOOL_PERSONA, "job-before",
                new LinkedHashMap<>(Map.of("quantization", "ternary")), Map.of(), List.of(), List.of()),
                ModelArchive.packing(export));
        fixture.models.markWinner(saved.modelId());
        fixture.models.handoff(saved.modelId(), ModelPhase.TOOL_PERSONA, ModelPhase.ADAS);
    }
}
