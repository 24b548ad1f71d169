package io.agentforge.api.pipeline;

import io.agentforge.api.phases.PhaseOrchestrator;
import io.agentforge.api.phases.Prerequisites;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs the eight phases in order, one run at a time, on a virtual thread: each phase's job is queued, followed to its
 * end (woken by {@code training_*} events, with polling as the safety net for a missed event), and its model handed
 * to the next phase through the Model service. A phase the Training service refuses fails the run at that phase; no
 * phase is ever skipped or simulated.
 */
public final class Pipeline implements AutoCloseable {
    static final String SOURCE = "api";
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final int TOTAL = ModelPhase.values().length;

    private final PhaseOrchestrator phases;
    private final TrainingService training;
    private final ModelService models;
    private final EventBus bus;
    private final Duration pollInterval;
    private final Duration dependencyPatience;
    private final EventBus.Subscription subscription;
    private volatile Run current;

    /**
     * @param pollInterval       how often a job is re-read when no event arrives
     * @param dependencyPatience how long the Training or Model service may stay unreachable before the run fails
     */
    public Pipeline(PhaseOrchestrator phases, TrainingService training, ModelService models, EventBus bus,
                    Duration pollInterval, Duration dependencyPatience) {
        this.phases = phases;
        this.training = training;
        this.models = models;
        this.bus = bus;
        this.pollInterval = pollInterval;
        this.dependencyPatience = dependencyPatience;
        this.subscription = bus.subscribe("training_*", this::onTrainingEvent);
    }

    /**
     * Starts a run. Cognate's job is queued before this returns, so that bad parameters or an unreachable Training
     * service are the caller's answer (400, 503), not a run that fails a moment later.
     *
     * @param parameters phase parameters given to every phase
     * @throws ConflictException when a run is already going
     */
    public synchronized PipelineStatus run(Map<String, Object> parameters) {
        if (current != null && current.state == State.RUNNING) {
            throw new ConflictException("the pipeline is already running (at " + current.phase + "); reset it first",
                    Map.of("current_phase", current.phase.wireName()));
        }
        var run = new Run(Map.copyOf(parameters));
        var first = ModelPhase.values()[0];
        run.begin(first, phases.start(first, run.parameters));
        current = run;
        publishUpdate(run);
        // The whole run, its later phases included, stays in the trace of the request that started it.
        var trace = Trace.current().orElse(null);
        run.thread = Thread.ofVirtual().name("pipeline").start(() -> {
            try (var ignored = Trace.open(trace)) {
                execute(run);
            }
        });
        return status();
    }

    public PipelineStatus status() {
        var run = current;
        if (run == null) {
            return new PipelineStatus("idle", 0, 0, 0, TOTAL, null, "no pipeline run since start or the last reset",
                    Instant.now());
        }
        return run.status();
    }

    /** Stops a run (its job is cancelled), cancels every other active phase job, and forgets the run; models stay. */
    public synchronized PipelineStatus reset() {
        var run = current;
        current = null;
        if (run != null) {
            run.stop();
        }
        for (var phase : ModelPhase.values()) {
            phases.latestJob(phase).filter(job -> !job.status().isFinal()).ifPresent(job -> cancelQuietly(job.jobId()));
        }
        return status();
    }

    @Override
    public void close() {
        subscription.close();
        var run = current;
        if (run != null) {
            run.stop();
        }
    }

    private void execute(Run run) {
        try {
            for (var phase : ModelPhase.values()) {
                if (phase.ordinal() > 0) {
                    // The phase is current before its start is tried, so a refusal is reported at this phase.
                    run.phase = phase;
                    run.begin(phase, startOrExplain(phase, run));
                    publishUpdate(run);
                }
                var job = awaitFinal(run);
                if (run.stopped) {
                    return;
                }
                if (job.status() != TaskStatus.COMPLETED) {
                    var what = phase.displayName() + " job " + job.jobId() + " " + job.status()
                            + (job.errorMessage() == null ? "" : ": " + job.errorMessage());
                    run.end(job.status() == TaskStatus.CANCELLED && run.completed > 0 ? State.PARTIAL : State.FAILED, what);
                    break;
                }
                var winner = handOff(phase, job);
                run.completed++;
                run.jobProgress = 0;
                run.message = phase.displayName() + " completed" + (winner == null ? "" : "; model " + winner);
                if (phase.next() == null) {
                    run.end(State.COMPLETED, "all " + TOTAL + " phases completed; final model " + winner);
                } else {
                    publishUpdate(run);
                }
            }
        } catch (PhaseRefused refused) {
            if (run.stopped) {
                return;
            }
            // An expected outcome (e.g. a phase not implemented yet), reported in the status: no stack trace.
            LOG.info("pipeline stopped at {}: {}", run.phase, refused.getMessage());
            run.end(State.FAILED, refused.getMessage());
        } catch (RuntimeException failure) {
            if (run.stopped) {
                return;
            }
            LOG.warn("pipeline failed at {}", run.phase, failure);
            run.end(State.FAILED, failure.getMessage());
        }
        if (!run.stopped) {
            publishUpdate(run);
            publish(EventTypes.PIPELINE_COMPLETE, run, Map.of("status", run.state.wire));
        }
    }

    private TrainingJob startOrExplain(ModelPhase phase, Run run) throws PhaseRefused {
        try {
            return phases.start(phase, run.parameters);
        } catch (NotImplementedException | InvalidRequestException refused) {
            // A phase without a runner (501) or refused parameters end the run here, with the reason as given.
            throw new PhaseRefused(refused.getMessage());
        }
    }

    private TrainingJob awaitFinal(Run run) {
        var unreachableSince = (Instant) null;
        while (!run.stopped) {
            try {
                var job = training.job(run.jobId);
                unreachableSince = null;
                run.jobProgress = job.progress();
                if (job.status().isFinal()) {
                    return job;
                }
            } catch (DependencyUnavailableException down) {
                unreachableSince = unreachableSince == null ? Instant.now() : unreachableSince;
                if (Duration.between(unreachableSince, Instant.now()).compareTo(dependencyPatience) > 0) {
                    throw down;
                }
            }
            try {
                run.wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                run.wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the pipeline was reset");
    }

    /**
     * Checks what the phase handed on. The Training service marks a completed job's winner and hands its models to
     * the next phase (Cognate's three and their ancestor, then each phase's winner); the run only verifies that
     * the phase chose, since a later phase would otherwise start from nothing.
     *
     * @return the winner's model id, or null for Cognate, which hands on all its models
     */
    private String handOff(ModelPhase phase, TrainingJob job) {
        List<ModelMetadata> produced = models.models(new ModelQuery(phase, null, null, null,
                        PageRequest.first(PageRequest.MAX_LIMIT))).items().stream()
                .filter(model -> job.jobId().equals(model.trainingJobId()) && !model.tags().contains("ancestor"))
                .toList();
        if (phase == ModelPhase.COGNATE) {
            if (produced.size() < Prerequisites.COGNATE_MODELS) {
                throw new IllegalStateException("Cognate job " + job.jobId() + " saved " + produced.size()
                        + " models; EvoMerge needs " + Prerequisites.COGNATE_MODELS);
            }
            return null;
        }
        return produced.stream().filter(ModelMetadata::isWinner).findFirst()
                .orElseThrow(() -> new IllegalStateException(phase.displayName() + " job " + job.jobId() + " saved "
                        + produced.size() + " models and marked none the winner"))
                .modelId();
    }

    private void onTrainingEvent(EventEnvelope envelope) {
        var run = current;
        var data = envelope.event().data();
        if (run != null && run.jobId != null && run.jobId.equals(data.get("job_id"))) {
            if (data.get("progress") instanceof Number progress) {
                run.jobProgress = progress.doubleValue();
            }
            run.wake.release();
        }
    }

    private void publishUpdate(Run run) {
        var status = run.status();
        publish(EventTypes.PIPELINE_UPDATE, run, Map.of("pipeline_progress", status.progress(),
                "status", status.status()));
    }

    private void publish(String type, Run run, Map<String, Object> extra) {
        var data = new LinkedHashMap<String, Object>();
        data.put("current_phase", run.phase == null ? null : run.phase.wireName());
        data.put("message", run.message);
        data.put("phases_completed", run.completed);
        data.putAll(extra);
        try {
            bus.publish(Event.of(type, SOURCE, data));
        } catch (RuntimeException e) {
            // Events are for watchers; a bus outage must not stop the training they watch.
            LOG.warn("could not publish {}", type, e);
        }
    }

    private void cancelQuietly(String jobId) {
        try {
            training.cancel(jobId);
        } catch (ConflictException | NotFoundException alreadyOver) {
            // It ended on its own meanwhile: nothing left to cancel.
        }
    }

    enum State {
        RUNNING("running"), COMPLETED("completed"), PARTIAL("partial"), FAILED("failed");

        final String wire;

        State(String wire) {
            this.wire = wire;
        }
    }

    /** A checked signal that the Training service refused a phase, so the loop cannot mistake it for a bug. */
    private static final class PhaseRefused extends Exception {
        PhaseRefused(String message) {
            super(message);
        }
    }

    /** One run's state, written by its thread and read by status calls. */
    private final class Run {
        final Map<String, Object> parameters;
        final Semaphore wake = new Semaphore(0);
        volatile State state = State.RUNNING;
        volatile ModelPhase phase;
        volatile String jobId;
        volatile double jobProgress;
        volatile int completed;
        volatile String message;
        volatile boolean stopped;
        volatile Thread thread;

        Run(Map<String, Object> parameters) {
            this.parameters = parameters;
        }

        void begin(ModelPhase next, TrainingJob job) {
            phase = next;
            jobId = job.jobId();
            jobProgress = 0;
            message = next.displayName() + " running as job " + job.jobId();
        }

        void end(State finalState, String why) {
            state = finalState;
            message = why;
        }

        void stop() {
            stopped = true;
            if (jobId != null && state == State.RUNNING) {
                cancelQuietly(jobId);
            }
            var running = thread;
            if (running != null) {
                running.interrupt();
            }
        }

        PipelineStatus status() {
            boolean running = state == State.RUNNING;
            double progress = running ? (completed + Math.min(1, Math.max(0, jobProgress))) / TOTAL
                    : (double) completed / TOTAL;
            return new PipelineStatus(state.wire, progress, completed, running ? 1 : 0, TOTAL, phase, message,
                    Instant.now());
        }
    }
}
