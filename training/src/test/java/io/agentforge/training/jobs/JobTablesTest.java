package io.agentforge.training.jobs;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.training.TrainingServer;
import io.agentforge.platform.testing.PersistenceContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every database must do for the Training service's tables ({@link JobStore}, {@link JobQueue},
 * {@link JobMetricHistory}); run on H2 and on PostgreSQL.
 */
class JobTablesTest extends PersistenceContract {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final TrainingConfig CONFIG = new TrainingConfig(500, 16, 3e-4, "/tmp/run", 1000, null, false);

    JobTablesTest() {
        super(TrainingServer.SCHEMA, "job_metrics", "training_jobs");
    }

    private JobStore store;
    private JobQueue queue;
    private JobMetricHistory history;

    @BeforeEach
    void createTables() {
        store = new JobStore(database, clock);
        queue = new JobQueue(database, clock);
        history = new JobMetricHistory(database, clock);
    }

    private TrainingJob submit(ModelPhase phase, int priority) {
        var job = store.insert(new JobRequest(phase, CONFIG, Map.of("seed", 42), priority));
        clock.advance(Duration.ofSeconds(1));
        return job;
    }

    @Test
    void insertedJobRoundTripsEveryFieldIncludingJsonAndTimestamps() {
        var parameters = Map.<String, Object>of("seeds", List.of(42, 1337, 2023), "grokfast", Map.of("alpha", 0.98,
                "lambda", 2.0), "name", "tiny", "warmup", true);
        var inserted = store.insert(new JobRequest(ModelPhase.FORGE_TRAINING, CONFIG, parameters, 7));

        var expected = new TrainingJob(inserted.jobId(), ModelPhase.FORGE_TRAINING, CONFIG, parameters,
                TaskStatus.PENDING, START, null, null, 0.0, 0, "queued", null);
        assertThat(inserted).isEqualTo(expected);
        assertThat(store.find(inserted.jobId())).isEqualTo(expected);
        var queued = store.findQueued(inserted.jobId());
        assertThat(queued.priority()).isEqualTo(7);
        assertThat(queued.totalSteps()).isEqualTo(500);
        assertThat(queued.attempts()).isZero();
        assertThat(queued.leaseOwner()).isNull();
        assertThat(queued.paused()).isFalse();
        assertThat(queued.traceparent()).isNull();
    }

    @Test
    void jobKeepsTheTraceOfTheRequestThatSubmittedIt() {
        var traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        var inserted = store.insert(new JobRequest(ModelPhase.COGNATE, CONFIG, Map.of(), 0), traceparent);

        assertThat(store.findQueued(inserted.jobId()).traceparent()).isEqualTo(traceparent);
        assertThat(queue.claimNext("replica-1", Duration.ofMinutes(1), 10)).map(QueuedJob::traceparent)
                .contains(traceparent);
    }

    @Test
    void runningAndFinishedJobsRoundTripTheirLaterFields() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        var claimedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        var claimed = queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        assertThat(claimed.leaseOwner()).isEqualTo("replica-a");
        assertThat(claimed.leaseExpiresAt()).isEqualTo(claimedAt.plus(LEASE));
        assertThat(claimed.job().startedAt()).isEqualTo(claimedAt);

        assertThat(history.updateProgress(new TrainingProgress(id, 0.25, 125, 500, "step 125", Map.of(), null))).isTrue();
        assertThat(queue.saveCheckpoint(id, "replica-a", "/tmp/run/step-125.ckpt")).isTrue();
        clock.advance(Duration.ofMinutes(3));
        assertThat(queue.finishIfOwner(id, "replica-a", TaskStatus.FAILED, "worker died", "exit code 137\nlast log line"))
                .isTrue();

        var finished = store.findQueued(id);
        assertThat(finished.job()).isEqualTo(new TrainingJob(id, ModelPhase.COGNATE, CONFIG, Map.of("seed", 42),
                TaskStatus.FAILED, START, claimedAt, clock.instant(), 0.25, 125, "worker died",
                "exit code 137\nlast log line"));
        assertThat(finished.checkpointPath()).isEqualTo("/tmp/run/step-125.ckpt");
        assertThat(finished.leaseOwner()).isNull();
        assertThat(finished.leaseExpiresAt()).isNull();
    }

    @Test
    void listFiltersByPhaseAndStatusNewestFirstWithTotalsAndPages() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            ids.add(submit(i % 2 == 0 ? ModelPhase.COGNATE : ModelPhase.EVOMERGE, 0).jobId());
        }
        store.finish(ids.get(0), TaskStatus.CANCELLED, "cancelled by user", null);

        var cognate = store.list(new JobQuery(ModelPhase.COGNATE, null, new PageRequest(0, 50)));
        assertThat(cognate.total()).isEqualTo(4);
        assertThat(cognate.items()).extracting(TrainingJob::jobId)
                .containsExactly(ids.get(6), ids.get(4), ids.get(2), ids.get(0));

        var pendingCognate = store.list(new JobQuery(ModelPhase.COGNATE, TaskStatus.PENDING, null));
        assertThat(pendingCognate.total()).isEqualTo(3);
        assertThat(store.list(new JobQuery(null, TaskStatus.CANCELLED, null)).items())
                .extracting(TrainingJob::jobId).containsExactly(ids.get(0));

        var secondPage = store.list(new JobQuery(null, null, new PageRequest(3, 3)));
        assertThat(secondPage.total()).isEqualTo(7);
        assertThat(secondPage.offset()).isEqualTo(3);
        assertThat(secondPage.limit()).isEqualTo(3);
        assertThat(secondPage.items()).extracting(TrainingJob::jobId)
                .containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(store.list(new JobQuery(null, null, new PageRequest(7, 3))).items()).isEmpty();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.PENDING, 6L).containsEntry(TaskStatus.CANCELLED, 1L)
                .containsEntry(TaskStatus.RUNNING, 0L);
    }

    @Test
    void unknownJobIdsAreNotFound() {
        var unknown = "00000000-0000-0000-0000-000000000000";
        assertThatThrownBy(() -> store.find(unknown)).isInstanceOf(NotFoundException.class).hasMessageContaining(unknown);
        assertThatThrownBy(() -> history.metrics(unknown)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.finish(unknown, TaskStatus.CANCELLED, null, null))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.requeue(unknown, "lost")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> history.appendMetric(new TrainingProgress(unknown, 0.1, 1, 10, "", Map.of(), null)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.pause(unknown, null)).isInstanceOf(NotFoundException.class);
        assertThat(count("job_metrics")).isZero();
    }

    @Test
    void claimTakesTheHighestPriorityThenTheOldest() {
        var oldLow = submit(ModelPhase.COGNATE, 0).jobId();
        var oldHigh = submit(ModelPhase.COGNATE, 5).jobId();
        var newLow = submit(ModelPhase.COGNATE, 0).jobId();
        var newHigh = submit(ModelPhase.COGNATE, 5).jobId();

        var order = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            order.add(queue.claimNext("replica-a", LEASE, 10).orElseThrow().jobId());
        }
        assertThat(order).containsExactly(oldHigh, newHigh, oldLow, newLow);
        assertThat(queue.claimNext("replica-a", LEASE, 10)).isEmpty();
        assertThat(store.list(new JobQuery(null, TaskStatus.RUNNING, null)).total()).isEqualTo(4);
    }

    @Test
    void claimRespectsTheGlobalCapOfRunningJobs() {
        for (int i = 0; i < 4; i++) {
            submit(ModelPhase.COGNATE, 0);
        }
        var first = queue.claimNext("replica-a", LEASE, 2).orElseThrow();
        queue.claimNext("replica-b", LEASE, 2).orElseThrow();
        assertThat(queue.claimNext("replica-c", LEASE, 2)).isEmpty();

        queue.finishIfOwner(first.jobId(), "replica-a", TaskStatus.COMPLETED, "done", null);
        assertThat(queue.claimNext("replica-c", LEASE, 2)).isPresent();
        assertThat(queue.claimNext("replica-c", LEASE, 2)).isEmpty();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.RUNNING, 2L).containsEntry(TaskStatus.PENDING, 1L);
    }

    @Test
    void concurrentClaimersWithSeparatePoolsNeverTakeTheSameJob() throws Exception {
        var submitted = new HashSet<String>();
        for (int i = 0; i < 50; i++) {
            submitted.add(submit(ModelPhase.COGNATE, i % 3).jobId());
        }
        var claimedBy = new ConcurrentHashMap<String, List<String>>();
        onReplicasAtOnce(4, (database, index) -> {
            var owner = "replica-" + index;
            var replica = new JobQueue(database, clock);
            var mine = Collections.synchronizedList(new ArrayList<String>());
            claimedBy.put(owner, mine);
            while (true) {
                var claimed = replica.claimNext(owner, LEASE, Integer.MAX_VALUE);
                if (claimed.isEmpty()) {
                    return null;
                }
                mine.add(claimed.get().jobId());
            }
        });

        var all = claimedBy.values().stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(50).doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).isEqualTo(submitted);
        claimedBy.forEach((owner, ids) -> ids.forEach(id ->
                assertThat(store.findQueued(id).leaseOwner()).as("owner of %s", id).isEqualTo(owner)));
    }

    @Test
    void concurrentClaimersTogetherStayWithinTheCap() throws Exception {
        for (int i = 0; i < 20; i++) {
            submit(ModelPhase.COGNATE, 0);
        }
        var claimed = Collections.synchronizedList(new ArrayList<String>());
        onReplicasAtOnce(4, (database, index) -> {
            var replica = new JobQueue(database, clock);
            for (int attempt = 0; attempt < 10; attempt++) {
                replica.claimNext("replica-" + index, LEASE, 5).ifPresent(job -> claimed.add(job.jobId()));
            }
            return null;
        });
        assertThat(claimed).hasSize(5).doesNotHaveDuplicates();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.RUNNING, 5L).containsEntry(TaskStatus.PENDING, 15L);
    }

    @Test
    void expiredLeasesAreFoundAndRecoveredOnce() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        var other = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        queue.claimNext("replica-b", LEASE, 5).orElseThrow();

        clock.advance(Duration.ofSeconds(20));
        assertThat(queue.renewLease(other, "replica-b", LEASE)).isTrue();
        assertThat(queue.renewLease(other, "replica-a", LEASE)).as("someone else's lease").isFalse();
        assertThat(queue.findExpiredLeases(clock.instant())).isEmpty();

        clock.advance(Duration.ofSeconds(15));
        var expired = queue.findExpiredLeases(clock.instant());
        assertThat(expired).extracting(QueuedJob::jobId).containsExactly(id);
        assertThat(expired.getFirst().leaseOwner()).isEqualTo("replica-a");

        // Two replicas recover the same expired job: only the first changes anything.
        assertThat(queue.requeueIfOwner(id, "replica-a", "lease expired")).isTrue();
        assertThat(queue.requeueIfOwner(id, "replica-a", "lease expired")).isFalse();
        var requeued = store.findQueued(id);
        assertThat(requeued.job().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(requeued.job().message()).isEqualTo("lease expired");
        assertThat(requeued.attempts()).isEqualTo(1);
        assertThat(requeued.leaseOwner()).isNull();

        // The stalled replica wakes up and reports its result: it no longer owns the job, so nothing changes.
        assertThat(queue.finishIfOwner(id, "replica-a", TaskStatus.COMPLETED, "done", null)).isFalse();
        assertThat(queue.renewLease(id, "replica-a", LEASE)).isFalse();
        assertThat(store.find(id).status()).isEqualTo(TaskStatus.PENDING);

        var reclaimed = queue.claimNext("replica-c", LEASE, 5).orElseThrow();
        assertThat(reclaimed.jobId()).isEqualTo(id);
        assertThat(reclaimed.attempts()).isEqualTo(1);
    }

    @Test
    void expiredJobsAreRequeuedWithoutSpendingAnAttemptAndOnlyOnce() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        for (int crash = 1; crash <= 4; crash++) {
            queue.claimNext("replica-" + crash, LEASE, 5).orElseThrow();
            assertThat(queue.recoverExpired(id, clock.instant(), "lease expired")).as("lease still valid").isEmpty();
            clock.advance(LEASE.plusSeconds(1));
            var recovered = queue.recoverExpired(id, clock.instant(), "lease expired").orElseThrow();
            assertThat(recovered.job().status()).isEqualTo(TaskStatus.PENDING);
            assertThat(recovered.job().message()).isEqualTo("lease expired");
            // A replica that died is not the job's fault: however often it happens, the job keeps its attempts.
            assertThat(recovered.attempts()).isZero();
            assertThat(recovered.leaseOwner()).isNull();
            assertThat(queue.recoverExpired(id, clock.instant(), "lease expired")).as("recovered once").isEmpty();
        }
        assertThat(queue.findExpiredLeases(clock.instant())).isEmpty();
    }

    @Test
    void progressIsWrittenOnlyByTheReplicaHoldingTheLease() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        var point = new TrainingProgress(id, 0.5, 5, 10, "step 5", Map.of("loss", 1.0), clock.instant());

        assertThat(history.recordProgress(point, "replica-b")).as("not the owner").isFalse();
        assertThat(store.find(id).currentStep()).isZero();
        assertThat(history.metrics(id)).isEmpty();

        assertThat(history.recordProgress(point, "replica-a")).isTrue();
        assertThat(store.find(id).currentStep()).isEqualTo(5);
    }

    @Test
    void aRenewedLeaseIsNotRecovered() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        clock.advance(LEASE.plusSeconds(1));
        var seenExpiredAt = clock.instant();
        // The owner was only slow: it renews before the recovering replica acts on what it saw.
        assertThat(queue.renewLease(id, "replica-a", LEASE)).isTrue();
        assertThat(queue.recoverExpired(id, seenExpiredAt, "lease expired")).isEmpty();
        assertThat(store.findQueued(id).leaseOwner()).isEqualTo("replica-a");
    }

    @Test
    void requeueCountsAttemptsAndKeepsTheCheckpoint() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        queue.saveCheckpoint(id, "replica-a", "/ckpt/step-40");
        var requeued = store.requeue(id, "worker exited with code 134");
        assertThat(requeued.attempts()).isEqualTo(1);
        assertThat(requeued.checkpointPath()).isEqualTo("/ckpt/step-40");
        assertThatThrownBy(() -> store.requeue(id, "again")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("pending");
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        assertThat(store.requeue(id, "worker exited again").attempts()).isEqualTo(2);
    }

    @Test
    void handBackRequeuesWithoutCountingAnAttemptOnlyForTheOwner() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        queue.saveCheckpoint(id, "replica-a", "/ckpt/step-40");

        assertThat(queue.handBack(id, "replica-b", "not mine")).isFalse();
        assertThat(queue.handBack(id, "replica-a", "the service stopped")).isTrue();
        assertThat(queue.handBack(id, "replica-a", "again")).as("no longer running").isFalse();

        var handedBack = store.findQueued(id);
        assertThat(handedBack.job().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(handedBack.job().message()).isEqualTo("the service stopped");
        assertThat(handedBack.attempts()).isZero();
        assertThat(handedBack.leaseOwner()).isNull();
        assertThat(handedBack.checkpointPath()).isEqualTo("/ckpt/step-40");
        assertThat(queue.claimNext("replica-b", LEASE, 5).orElseThrow().jobId()).isEqualTo(id);
    }

    @Test
    void finishingAFinishedJobIsAConflictAndChangesNothing() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        var cancelledAt = clock.instant();
        var cancelled = store.finish(id, TaskStatus.CANCELLED, "cancelled by user", null);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(cancelled.completedAt()).isEqualTo(cancelledAt);

        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> store.finish(id, TaskStatus.FAILED, "x", "y"))
                .isInstanceOf(ConflictException.class).hasMessageContaining("cancelled");
        assertThat(store.find(id)).isEqualTo(cancelled);
        assertThatThrownBy(() -> store.finish(id, TaskStatus.RUNNING, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(queue.claimNext("replica-a", LEASE, 5)).as("a cancelled job is never claimed").isEmpty();
    }

    @Test
    void completingAJobMarksItFullyDone() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        assertThat(queue.finishIfOwner(id, "replica-a", TaskStatus.COMPLETED, "completed", null)).isTrue();
        var done = store.find(id);
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.completedAt()).isNotNull();
    }

    @Test
    void pausedJobsAreNotClaimedUntilResumed() {
        var paused = submit(ModelPhase.COGNATE, 9).jobId();
        var other = submit(ModelPhase.COGNATE, 0).jobId();
        assertThat(store.pause(paused, "paused at step 0").message()).isEqualTo("paused at step 0");
        assertThat(queue.claimNext("replica-a", LEASE, 5).orElseThrow().jobId()).isEqualTo(other);
        assertThat(queue.claimNext("replica-a", LEASE, 5)).isEmpty();

        // Pausing a running job releases its lease: the old run can no longer report as owner.
        store.pause(other, null);
        assertThat(store.findQueued(other).leaseOwner()).isNull();
        assertThat(queue.finishIfOwner(other, "replica-a", TaskStatus.COMPLETED, "done", null)).isFalse();

        store.resume(paused);
        assertThatThrownBy(() -> store.resume(paused)).isInstanceOf(ConflictException.class);
        assertThat(queue.claimNext("replica-a", LEASE, 5).orElseThrow().jobId()).isEqualTo(paused);
    }

    @Test
    void metricHistoryRoundTripsInStepOrder() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        queue.claimNext("replica-a", LEASE, 5).orElseThrow();
        var points = new ArrayList<TrainingProgress>();
        for (int step = 1; step <= 5; step++) {
            var point = new TrainingProgress(id, step / 10.0, step * 10, 100, "step " + step * 10,
                    Map.of("loss", 5.0 - step * 0.5, "lr", 3e-4, "tokens_per_sec", 1234.5, "eta_seconds", 60.0 - step),
                    clock.instant().plusMillis(step));
            points.add(point);
            assertThat(history.recordProgress(point)).isTrue();
        }
        // Recorded out of order (a late point of an earlier step): the history is still in step order.
        var late = new TrainingProgress(id, 0.05, 5, 100, "late", Map.of("loss", 9.0), clock.instant());
        history.appendMetric(late);

        var recorded = history.metrics(id);
        assertThat(recorded).hasSize(6);
        assertThat(recorded.getFirst()).isEqualTo(late);
        assertThat(recorded.subList(1, 6)).isEqualTo(points);
        var job = store.find(id);
        assertThat(job.currentStep()).isEqualTo(50);
        assertThat(job.progress()).isEqualTo(0.5);
        assertThat(job.message()).isEqualTo("step 50");

        assertThat(history.discardMetricsAfter(id, 30)).isEqualTo(2);
        assertThat(history.metrics(id)).extracting(TrainingProgress::currentStep).containsExactly(5, 10, 20, 30);
    }

    @Test
    void progressOfAJobThatIsNotRunningChangesNothing() {
        var id = submit(ModelPhase.COGNATE, 0).jobId();
        assertThat(history.recordProgress(new TrainingProgress(id, 0.5, 5, 10, "x", Map.of("loss", 1.0), null)))
                .isFalse();
        assertThat(history.metrics(id)).isEmpty();
        assertThat(store.find(id).progress()).isZero();

        assertThatThrownBy(() -> history.recordProgress(new TrainingProgress(id, 1.5, 5, 10, "x", Map.of(), null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("progress");
        assertThat(count("job_metrics")).isZero();
    }

    @Test
    void aRequestWithoutConfigWritesNothing() {
        assertThatThrownBy(() -> store.insert(new JobRequest(ModelPhase.COGNATE, null, Map.of(), 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("config");
        assertThat(count("training_jobs")).isZero();
    }
}
