package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.trace.Trace;
import io.agentforge.training.supervisor.WorkerLaunch;
import io.agentforge.training.supervisor.WorkerProcess;
import io.agentforge.contracts.Json;
import io.agentforge.training.worker.SubJobResult;
import io.agentforge.training.worker.SubJobTask;
import io.agentforge.training.worker.WorkerMessage;
import io.agentforge.training.worker.WorkerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a job on this instance: its worker, and what the worker's messages become (the job row, the metric
 * history, {@code training_*} events). How the run ends is decided by the {@link JobScheduler}.
 */
final class JobRun {
    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    static final String MDC_JOB_ID = "job_id";

    private final QueuedJob claimed;
    private final WorkerSpec spec;
    private final String owner;
    private final JobStore store;
    private final JobQueue queue;
    private final JobMetricHistory history;
    private final JobEvents events;
    private final SubJobStore subJobs;
    private final Runnable wake;
    /** The sub-jobs its worker waits for, by key; while there are any the run holds no slot of the replica's. */
    private final Map<String, SubJobTask> awaited = new ConcurrentHashMap<>();
    private volatile WorkerProcess worker;
    private volatile String releasedBecause;
    private volatile Duration releaseGrace = Duration.ZERO;
    private volatile int totalSteps;
    private volatile double tokensPerSecond;
    /** Input tokens trained on so far, summed from each step's counted tokens, carried across resumes. */
    private double tokensSeen;
    private volatile CompletableFuture<Void> handled = CompletableFuture.completedFuture(null);
    /** Progress the database could not take yet; only the worker's reader thread touches it. */
    private final Deque<TrainingProgress> unrecorded = new ArrayDeque<>();
    private static final int MAX_UNRECORDED = 10_000;

    /**
     * @param subJobs where the worker's sub-jobs are queued and followed
     * @param wake    asks the scheduler for a round now (sub-jobs were queued: a free slot may take one)
     */
    JobRun(QueuedJob claimed, WorkerSpec spec, String owner, JobStore store, JobQueue queue, JobMetricHistory history,
           JobEvents events, SubJobStore subJobs, Runnable wake) {
        this.claimed = claimed;
        this.spec = spec;
        this.owner = owner;
        this.store = store;
        this.queue = queue;
        this.history = history;
        this.events = events;
        this.subJobs = subJobs;
        this.wake = wake;
        this.totalSteps = claimed.totalSteps();
    }

    WorkerProcess start(WorkerLaunch launch) {
        var started = WorkerProcess.start(launch, spec, this::onMessage);
        worker = started;
        // Released (cancelled, paused) while the process was being started, when there was no worker to stop yet: a
        // worker left running would train on outside every slot count. Either this or release() sees the other.
        if (released()) {
            started.stop(releaseGrace);
        }
        return started;
    }

    /**
     * Work done for a job (its worker's messages, its start and end) runs in the trace of the request that submitted
     * it, with {@code job_id} in the log MDC, so that its events and log lines can be followed back to that request.
     */
    static Trace.Scope workingOn(QueuedJob job) {
        var trace = Trace.resume(job.traceparent(), false);
        var previousJob = MDC.get(MDC_JOB_ID);
        MDC.put(MDC_JOB_ID, job.jobId());
        return () -> {
            if (previousJob == null) {
                MDC.remove(MDC_JOB_ID);
            } else {
                MDC.put(MDC_JOB_ID, previousJob);
            }
            trace.close();
        };
    }

    private void onMessage(WorkerMessage message) {
        try (var ignored = workingOn(claimed)) {
            handle(message);
        }
    }

    private void handle(WorkerMessage message) {
        switch (message) {
            case WorkerMessage.Started started -> {
                totalSteps = started.totalSteps();
                if (started.resumedFromStep() > 0) {
                    // The run repeats the steps after its checkpoint; the history should read as one run.
                    history.discardMetricsAfter(jobId(), started.resumedFromStep());
                }
                tokensSeen = started.resumedFromStep() > 0
                        ? history.tokensSeenAt(jobId(), started.resumedFromStep()) : 0;
                // A sub-job is part of its parent's run, whose own events tell of it: no events of its own.
                var eventId = claimed.isSubJob() ? null : events.state(EventTypes.TRAINING_STARTED, running(),
                        totalSteps, Map.of("attempt", spec.attempt(), "resumed_from_step", started.resumedFromStep(),
                                "worker_pid", started.pid(), "instance", owner));
                if (eventId != null) {
                    store.rememberStartedEvent(jobId(), eventId);
                }
            }
            case WorkerMessage.Progress progress -> record(progress);
            case WorkerMessage.Checkpointed checkpointed ->
                    queue.saveCheckpoint(jobId(), owner, spec.jobDir().toString());
            case WorkerMessage.Heartbeat ignored -> {
                // Its arrival is the news (WorkerProcess.lastHeard() moved), and a chance to write what waits.
                recordWaiting();
            }
            case WorkerMessage.Completed ignored -> {
                // Decided when the process has exited: JobScheduler.finished.
            }
            case WorkerMessage.Stopped ignored -> {
            }
            case WorkerMessage.Failed ignored -> {
            }
            case WorkerMessage.SubJobsRequested requested -> {
                // Awaited first: should the database refuse the queueing now, the next round queues what is missing.
                requested.tasks().forEach(task -> awaited.put(task.key(), task));
                subJobs.queue(claimed, requested.tasks());
                wake.run();
            }
        }
    }

    /**
     * Passes the results of the sub-jobs that finished to the worker, one line each on its stdin. A sub-job cancelled
     * while this run still holds the job (someone cancelled it alone) is queued again: the worker still needs it; so
     * is one whose queueing failed.
     * Called by the scheduler after it renewed this run's lease.
     */
    void passSubJobResults() {
        var current = worker;
        if (awaited.isEmpty() || current == null || released()) {
            return;
        }
        var states = subJobs.states(jobId());
        var missing = new ArrayList<>(awaited.values());
        states.forEach(state -> missing.removeIf(task -> task.key().equals(state.key())));
        if (!missing.isEmpty()) {
            subJobs.queue(claimed, missing);
            wake.run();
        }
        for (var state : states) {
            var task = awaited.get(state.key());
            if (task == null) {
                continue;
            }
            SubJobResult result = switch (state.status()) {
                case COMPLETED -> state.stats() == null
                        ? new SubJobResult(state.key(), SubJobResult.FAILED, null, "sub-job " + state.jobId()
                                + " completed without a result")
                        : new SubJobResult(state.key(), SubJobResult.COMPLETED, state.stats(), null);
                case FAILED -> new SubJobResult(state.key(), SubJobResult.FAILED, null, "sub-job " + state.jobId()
                        + ": " + state.error());
                case CANCELLED -> {
                    subJobs.queue(claimed, List.of(task));
                    wake.run();
                    yield null;
                }
                default -> null;
            };
            if (result != null) {
                current.send(Json.write(result));
                awaited.remove(state.key());
            }
        }
    }

    /** The worker waits for sub-jobs: its run does no work of its own meanwhile. */
    boolean awaitingSubJobs() {
        return !awaited.isEmpty();
    }

    private void record(WorkerMessage.Progress progress) {
        var metrics = new LinkedHashMap<String, Double>();
        progress.metrics().forEach((name, value) -> {
            // A diverged loss is reported by the worker's failure; a NaN here would only break JSON readers.
            if (value != null && Double.isFinite(value)) {
                metrics.put(name, value);
            }
        });
        var speed = metrics.get("tokens_per_sec");
        if (speed != null) {
            tokensPerSecond = speed;
        }
        var tokens = metrics.get("tokens");
        if (tokens != null) {
            // Counted, not estimated from the speed: a chart's "tokens seen" axis reads it as it is.
            tokensSeen += tokens;
            metrics.put("tokens_seen", tokensSeen);
        }
        int total = Math.max(1, progress.totalSteps());
        var point = new TrainingProgress(jobId(), Math.min(1.0, Math.max(0.0, (double) progress.step() / total)),
                progress.step(), progress.totalSteps(), progress.message(), metrics, Instant.now());
        if (unrecorded.size() >= MAX_UNRECORDED) {
            unrecorded.pollFirst();
        }
        unrecorded.addLast(point);
        recordWaiting();
    }

    /**
     * Writes, then announces, the points the database has not taken yet, oldest first. While the database is away
     * they wait here (the worker trains on), so that its return leaves no hole in the history or the events.
     */
    private void recordWaiting() {
        while (!unrecorded.isEmpty()) {
            var point = unrecorded.peekFirst();
            boolean recorded;
            try {
                recorded = history.recordProgress(point, owner);
            } catch (DependencyUnavailableException e) {
                return;
            }
            unrecorded.pollFirst();
            if (recorded && !claimed.isSubJob()) {
                events.progress(EventTypes.TRAINING_PROGRESS, running(), point, Map.of());
            } else if (store.findQueued(jobId()).paused()) {
                // Paused: the worker runs on to its checkpoint, and the resumed run continues after it, so these
                // steps belong to the history (the resumed run discards any after its checkpoint).
                history.appendMetric(point);
            }
        }
    }

    private TrainingJob running() {
        var job = claimed.job();
        return new TrainingJob(job.jobId(), job.phase(), job.config(), job.parameters(), TaskStatus.RUNNING,
                job.createdAt(), job.startedAt(), job.completedAt(), job.progress(), job.currentStep(),
                job.message(), job.errorMessage());
    }

    /**
     * Renews this run's lease. When that fails the run is released: with no grace when another instance runs the job
     * now (a checkpoint written now would overwrite its state), else (paused, cancelled) with the stop grace. A worker
     * silent for longer than the limit is killed.
     */
    void renewLease(Duration lease, Duration stopGrace, Duration silenceLimit, Instant now) {
        if (!queue.renewLease(jobId(), owner, lease)) {
            var current = store.findQueued(jobId());
            if (current.job().status() == TaskStatus.RUNNING) {
                release("taken over by " + current.leaseOwner(), Duration.ZERO);
            } else {
                release("the job is " + current.job().status() + (current.paused() ? " (paused)" : ""), stopGrace);
            }
            return;
        }
        var worker = worker();
        if (worker != null && Duration.between(worker.lastHeard(), now).compareTo(silenceLimit) > 0) {
            LOG.warn("worker {} of job {} silent for over {}; killing it", worker.pid(), jobId(), silenceLimit);
            worker.kill();
        }
    }

    /** Stops the worker (checkpoint, then kill after the grace) because the job is no longer this run's to finish. */
    void release(String reason, Duration grace) {
        releaseGrace = grace;
        releasedBecause = reason;
        var current = worker;
        if (current != null) {
            current.stop(grace);
        }
    }

    /** Lets go of the worker without a word to it or the database, as this process's death would. */
    void abandon() {
        releasedBecause = "abandoned";
        var current = worker;
        if (current != null) {
            current.closeInput();
        }
    }

    /** Completes when the scheduler has dealt with the worker's exit (the job finished, requeued or handed back). */
    CompletableFuture<Void> handled() {
        return handled;
    }

    void handled(CompletableFuture<Void> handling) {
        handled = handling;
    }

    boolean released() {
        return releasedBecause != null;
    }

    String releasedBecause() {
        return releasedBecause;
    }

    String jobId() {
        return claimed.jobId();
    }

    QueuedJob claimed() {
        return claimed;
    }

    WorkerSpec spec() {
        return spec;
    }

    WorkerProcess worker() {
        return worker;
    }

    int totalSteps() {
        return totalSteps;
    }

    /** The training speed its worker last reported; 0 before the first step. */
    double tokensPerSecond() {
        return tokensPerSecond;
    }
}
