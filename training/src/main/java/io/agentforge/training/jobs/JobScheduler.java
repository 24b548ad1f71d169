package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.training.artifacts.PhaseHandoffs;
import io.agentforge.training.artifacts.PhaseStats;
import io.agentforge.training.artifacts.TrainedModels;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.supervisor.WorkerExit;
import io.agentforge.training.supervisor.WorkerLog;
import io.agentforge.training.supervisor.WorkerProcess;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.WorkerMessage;
import io.agentforge.training.worker.WorkerSpec;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one instance: every tick it renews the leases of its runs (a run whose lease it lost — the job was
 * cancelled, paused or taken over — is stopped), recovers jobs whose owner stopped renewing (requeued to continue
 * from their checkpoint, or failed after {@code maxAttempts}), and claims pending jobs while slots are free. Ticks
 * run on one thread, so these never race each other within an instance; across instances the database decides.
 */
final class JobScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    private final JobStore store;
    private final JobQueue queue;
    private final JobMetricHistory history;
    private final JobEvents events;
    private final TrainedModels models;
    private final PhaseHandoffs handoffs;
    private final PhaseStatsStore stats;
    private final SubJobStore subJobs;
    private final SchedulerSettings settings;
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-scheduler").factory());
    private volatile boolean closing;

    JobScheduler(JobStore store, JobQueue queue, JobMetricHistory history, JobEvents events, TrainedModels models,
                 PhaseHandoffs handoffs, PhaseStatsStore stats, SubJobStore subJobs, SchedulerSettings settings) {
        this.store = store;
        this.queue = queue;
        this.history = history;
        this.events = events;
        this.models = models;
        this.handoffs = handoffs;
        this.stats = stats;
        this.subJobs = subJobs;
        this.settings = settings;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::tick, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a round soon, e.g. after a submit, instead of at the next tick. */
    void wake() {
        if (!closing) {
            timer.execute(this::tick);
        }
    }

    private void tick() {
        guarded("renewing leases", this::renewLeases);
        guarded("passing sub-job results", this::passSubJobResults);
        guarded("recovering expired leases", this::recoverExpired);
        guarded("claiming jobs", this::claimFreeSlots);
    }

    private void renewLeases() {
        var now = Instant.now();
        for (var run : runs.values()) {
            if (!run.released()) {
                run.renewLease(settings.lease(), settings.stopGrace(), settings.silenceLimit(), now);
            }
        }
    }

    /** After the renewal, so that a run whose job was paused or cancelled meanwhile is released and passed nothing. */
    private void passSubJobResults() {
        for (var run : runs.values()) {
            try (var ignored = JobRun.workingOn(run.claimed())) {
                guarded("passing the sub-job results of job " + run.jobId(), run::passSubJobResults);
            }
        }
    }

    /** Only through the lease check: a job whose owner renewed meanwhile, or that another replica took, is left. */
    private void recoverExpired() {
        var now = Instant.now();
        for (var job : queue.findExpiredLeases(now)) {
            if (runs.containsKey(job.jobId())) {
                continue;
            }
            var reason = "the Training service instance running it (" + job.leaseOwner()
                    + ") stopped renewing its lease; continues from its last checkpoint";
            try (var ignored = JobRun.workingOn(job)) {
                queue.recoverExpired(job.jobId(), now, reason).ifPresent(recovered -> {
                    LOG.warn("job {}: {}", job.jobId(), reason);
                    requeued(recovered, "lease_expired");
                });
            }
        }
    }

    /** Tells followers that a job they saw running waits in the queue again. */
    private void requeued(QueuedJob job, String cause) {
        if (job.isSubJob()) {
            return;
        }
        events.state(EventTypes.TRAINING_REQUEUED, job.job(), job.totalSteps(),
                Map.of("cause", cause, "attempts", job.attempts()));
    }

    private void claimFreeSlots() {
        while (!closing && activeRuns() < settings.maxConcurrentJobs()) {
            // MAX_CONCURRENT_JOBS is this instance's cap (its cores); the database's global cap is not used, so
            // that adding a replica adds capacity. The claim itself still hands each job to one instance only.
            var claimed = queue.claimNext(settings.owner(), settings.lease(), Integer.MAX_VALUE);
            if (claimed.isEmpty()) {
                return;
            }
            try (var ignored = JobRun.workingOn(claimed.get())) {
                start(claimed.get());
            }
        }
    }

    /**
     * The runs that hold a slot: a run whose worker waits for its sub-jobs holds none, so that they can run here even
     * with {@code MAX_CONCURRENT_JOBS} 1 (its own work after the wait then shares the cores with what was claimed).
     */
    private long activeRuns() {
        return runs.values().stream().filter(run -> !run.released() && !run.awaitingSubJobs()).count();
    }

    private void start(QueuedJob claimed) {
        var job = claimed.job();
        var previous = runs.get(job.jobId());
        if (previous != null && previous.worker() != null) {
            // Paused and resumed before its last worker had checkpointed and exited: two workers must never share
            // a job directory.
            previous.worker().exit().orTimeout(settings.stopGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
        }
        WorkerSpec spec;
        try {
            var parameters = PhaseParameters.of(new JobRequest(job.phase(), null, job.parameters(), null),
                    settings.datasetsDir());
            spec = new WorkerSpec(job.jobId(), job.phase(), parameters, settings.jobDir(job.jobId()),
                    claimed.attempts() + 1, List.of(), claimed.task(), settings.owner());
        } catch (RuntimeException e) {
            fail(claimed, "its parameters are no longer valid: " + e.getMessage(), "");
            return;
        }
        try {
            // A sub-job's task carries what it needs of its parent's inputs; the handoffs are its parent's.
            var inputs = claimed.isSubJob() ? List.<InputModel>of()
                    : handoffs.accept(job.phase(), spec.jobDir());
            spec = new WorkerSpec(spec.jobId(), spec.phase(), spec.parameters(), spec.jobDir(), spec.attempt(),
                    inputs, spec.task(), spec.replica());
        } catch (IllegalStateException nothingHandedOver) {
            fail(claimed, nothingHandedOver.getMessage(), "");
            return;
        } catch (DependencyUnavailableException e) {
            handBack(claimed, "its input models could not be fetched yet: " + e.getMessage(), "dependency_unavailable");
            return;
        } catch (RuntimeException e) {
            endLostRun(claimed, settings.owner(), "its input models could not be fetched: " + e.getMessage(), "", true);
            return;
        }
        var run = new JobRun(claimed, spec, settings.owner(), store, queue, history, events, subJobs, this::wake);
        runs.put(job.jobId(), run);
        try {
            var worker = run.start(settings.launch());
            run.handled(worker.exit().thenAccept(exit -> guarded("finishing job " + job.jobId(),
                    () -> finished(run, exit))));
            LOG.info("job {} runs in worker {} (attempt {})", job.jobId(), worker.pid(), spec.attempt());
        } catch (RuntimeException e) {
            runs.remove(job.jobId(), run);
            endLostRun(claimed, settings.owner(), "its worker could not start: " + e.getMessage(), "", true);
        }
    }

    private void finished(JobRun run, WorkerExit exit) {
        try (var ignored = JobRun.workingOn(run.claimed())) {
            if (run.released()) {
                LOG.info("job {} released ({}); its worker exited with {}", run.jobId(), run.releasedBecause(),
                        exit.exitCode());
                return;
            }
            if (closing) {
                // A clean stop (a deploy, a scale-down) is no failure: the job keeps its retries.
                handBack(run.claimed(), "the service stopped; continues from its checkpoint", "service_stopped");
                return;
            }
            if (exit.completed() && run.claimed().isSubJob()) {
                completeSubJob(run);
            } else if (exit.completed()) {
                complete(run, (WorkerMessage.Completed) exit.last());
            } else if (exit.stopped()) {
                // Terminated from outside (SIGTERM) and it checkpointed on its way out: no fault of the job's.
                handBack(run.claimed(), "its worker was terminated and stopped at a checkpoint; continues from it",
                        "worker_stopped");
            } else {
                endLostRun(run.claimed(), settings.owner(), "its worker died: " + exit.reason(), exit.logTail(),
                        exit.retryable());
            }
        } finally {
            runs.remove(run.jobId(), run);
            wake();
        }
    }

    /**
     * Saves the job's models (its stats in the winner's metadata), marks the winner, keeps the stats with the job,
     * hands the models on to the next phase and settles the handoffs the job started with.
     */
    private void complete(JobRun run, WorkerMessage.Completed completed) {
        var phase = run.claimed().job().phase();
        var jobDir = run.spec().jobDir();
        Map<String, String> saved;
        try {
            var phaseStats = PhaseStats.read(jobDir);
            saved = models.saveAll(run.jobId(), phase, jobDir, completed.artifacts(), phaseStats);
            var winner = PhaseStats.winnerArtifact(phaseStats);
            if (winner == null) {
                // A phase must choose: a run that names no winner hands nothing on.
                throw new IllegalStateException("the phase wrote no phase_stats.json naming its winner");
            }
            handoffs.markWinner(saved.get(winner));
            var resolved = PhaseStats.withModelIds(phaseStats, saved);
            PhaseStats.write(jobDir, resolved);
            stats.save(run.jobId(), resolved);
            handoffs.handOn(phase, jobDir, saved, completed.artifacts(), winner);
            handoffs.complete(jobDir);
        } catch (DependencyUnavailableException e) {
            // The Model service (or the database) is away: not the job's fault, so no attempt is spent. The trained
            // weights stay in the job directory, and the next run finds the finished checkpoint.
            handBack(run.claimed(), "saving its models waits for the Model service: " + e.getMessage(),
                    "dependency_unavailable");
            return;
        } catch (RuntimeException e) {
            endLostRun(run.claimed(), settings.owner(), "handing over its models failed: " + e.getMessage(), "", true);
            return;
        }
        var message = "completed: " + saved.size() + " models saved";
        if (queue.finishIfOwner(run.jobId(), settings.owner(), TaskStatus.COMPLETED, message, null)) {
            events.state(EventTypes.TRAINING_COMPLETED, store.find(run.jobId()), completed.step(),
                    Map.of("model_ids", List.copyOf(saved.values()), "models", saved, "metrics", completed.metrics()));
        }
    }

    /** A sub-job's result is its stats, which its parent's supervisor passes to the parent's worker. */
    private void completeSubJob(JobRun run) {
        var result = PhaseStats.read(run.spec().jobDir());
        if (result == null) {
            endLostRun(run.claimed(), settings.owner(), "its worker completed without writing its result", "", false);
            return;
        }
        stats.save(run.jobId(), result);
        queue.finishIfOwner(run.jobId(), settings.owner(), TaskStatus.COMPLETED, "completed", null);
    }

    /** A run ended without a result: requeue it to continue from its checkpoint, or fail it after the last attempt. */
    private void endLostRun(QueuedJob job, String owner, String reason, String logTail, boolean retryable) {
        int runsSoFar = job.attempts() + 1;
        if (retryable && runsSoFar < settings.maxAttempts()) {
            var message = reason + "; retrying from the last checkpoint (attempt " + (runsSoFar + 1) + " of "
                    + settings.maxAttempts() + ")";
            if (queue.requeueIfOwner(job.jobId(), owner, message)) {
                LOG.warn("job {}: {}", job.jobId(), message);
                requeued(store.findQueued(job.jobId()), "worker_fault");
            }
            return;
        }
        var why = retryable ? reason + " (attempt " + runsSoFar + " of " + settings.maxAttempts() + ")" : reason;
        var error = logTail.isBlank() ? why : why + "\n--- last lines of the worker log ---\n" + logTail;
        guarded("rejecting the input handoffs of job " + job.jobId(),
                () -> handoffs.reject(settings.jobDir(job.jobId()), "job " + job.jobId() + " failed: " + why));
        if (queue.finishIfOwner(job.jobId(), owner, TaskStatus.FAILED, "failed: " + why, error)) {
            cancelSubJobs(job.jobId(), "its parent job " + job.jobId() + " failed");
            if (!job.isSubJob()) {
                events.state(EventTypes.TRAINING_FAILED, store.find(job.jobId()), job.totalSteps(), Map.of());
            }
        }
    }

    /** Back to the queue without spending an attempt: nothing the job did went wrong. */
    private void handBack(QueuedJob job, String reason, String cause) {
        if (queue.handBack(job.jobId(), settings.owner(), reason)) {
            LOG.warn("job {}: {}", job.jobId(), reason);
            requeued(store.findQueued(job.jobId()), cause);
        }
    }

    private void fail(QueuedJob job, String reason, String logTail) {
        endLostRun(job, settings.owner(), reason, logTail, false);
    }

    /** The job was cancelled: the models it was handed are rejected, so that the next run can take them again. */
    void rejectInputs(String jobId, String reason) {
        guarded("rejecting the input handoffs of job " + jobId, () -> handoffs.reject(settings.jobDir(jobId), reason));
    }

    /**
     * Cancels the job's unfinished sub-jobs and stops those that run here; replicas elsewhere stop theirs at their next
     * lease renewal.
     */
    void cancelSubJobs(String jobId, String reason) {
        for (var subJob : subJobs.cancelUnfinished(jobId, reason)) {
            release(subJob, reason);
        }
    }

    /** Stops this instance's worker of a job that was cancelled or paused (no-op when another instance runs it). */
    void release(String jobId, String reason) {
        var run = runs.get(jobId);
        if (run != null) {
            run.release(reason, settings.stopGrace());
        }
    }

    /** The worker process of a job running on this instance, if any (for health and tests). */
    Optional<WorkerProcess> worker(String jobId) {
        return Optional.ofNullable(runs.get(jobId)).map(JobRun::worker);
    }

    int runningHere() {
        return (int) activeRuns();
    }

    /** The training speed of the jobs running on this instance, as their workers last reported it. */
    double tokensPerSecondHere() {
        return runs.values().stream().filter(run -> !run.released()).mapToDouble(JobRun::tokensPerSecond).sum();
    }

    SchedulerSettings settings() {
        return settings;
    }

    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            // The database may be briefly away; the next tick tries again, and leases make that safe.
            LOG.warn("{} failed", what, e);
        }
    }

    /**
     * Stops gracefully: no more claims, workers asked to checkpoint, their jobs requeued to continue elsewhere or
     * after a restart.
     */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        for (var run : runs.values()) {
            var worker = run.worker();
            if (worker != null) {
                worker.stop(settings.stopGrace());
            }
        }
        for (var run : List.copyOf(runs.values())) {
            // Until the exit is handled, so that the job is handed back before this returns.
            run.handled().orTimeout(settings.handBackLimit().toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
        }
    }

    /**
     * Stops as a {@code kill -9} of the service would: the loop ends and the workers lose their supervisor (their
     * stdin closes, so they halt), but the database is not told anything; leases run out.
     */
    void halt() {
        closing = true;
        timer.shutdownNow();
        for (var run : runs.values()) {
            run.abandon();
        }
    }
}
