package io.agentforge.training.pipeline;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.errors.ServiceException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineReport;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.pipeline.PipelineService;
import io.agentforge.contracts.pipeline.PipelineStatus;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import io.agentforge.training.parameters.PhaseParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of this Training service: runs kept in the store, and the driver of this replica. Every tick the
 * driver takes (or renews) the running run's lease and moves it one step: queues the current phase's job through the
 * Training service, or, when that job ended, checks the winner it handed on and goes on to the next phase, or ends
 * the run. Every step is written before it is announced, so a driver that dies at any moment leaves a run that the
 * next driver (this process restarted, or another replica once the lease ran out) continues where it stood.
 */
public final class PipelineRuns implements PipelineService, AutoCloseable {
    static final String SOURCE = "training";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuns.class);
    private static final int TOTAL = PipelineStatus.TOTAL_PHASES;

    /**
     * @param owner       this replica's name in leases (unique per process)
     * @param lease       how long a driver's claim on a run holds without renewal
     * @param tick        how often the driver looks at the run
     * @param datasetsDir where a {@code dataset} parameter's file must be, for the validation up front
     */
    public record Settings(String owner, Duration lease, Duration tick, Path datasetsDir) {
        public Settings {
            if (tick.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("the tick (" + tick + ") must be shorter than the lease (" + lease
                        + ")");
            }
        }
    }

    private final PipelineStore store;
    private final TrainingService training;
    private final ModelService models;
    private final EventBus bus;
    private final Settings settings;
    private final PipelineReports reports;
    private final Map<String, Double> announcedProgress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pipeline-driver").factory());
    private volatile boolean closing;

    private PipelineRuns(Database database, TrainingService training, ModelService models, EventBus bus,
                         Settings settings) {
        this.store = new PipelineStore(database, Clock.systemUTC());
        this.training = training;
        this.models = models;
        this.bus = bus;
        this.settings = settings;
        this.reports = new PipelineReports(training, models);
    }

    /** Builds the pipeline and starts this replica's driver (which at once continues a run left running). */
    public static PipelineRuns start(Database database, TrainingService training, ModelService models, EventBus bus,
                                     Settings settings) {
        var runs = new PipelineRuns(database, training, models, bus, settings);
        runs.timer.scheduleWithFixedDelay(runs::tick, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
        return runs;
    }

    @Override
    public PipelineStatus run(PipelineRequest request) {
        var checked = request == null ? PipelineRequest.empty() : request;
        var overrides = validate(checked);
        for (var phase : ModelPhase.values()) {
            var active = training.jobs(new JobQuery(phase, null, PageRequest.first(1))).items().stream()
                    .filter(job -> !job.status().isFinal()).findFirst();
            if (active.isPresent()) {
                throw new ConflictException(phase.displayName() + " already has job " + active.get().jobId() + " "
                        + active.get().status() + "; stop it (or reset the pipeline) first",
                        Map.of("phase", phase.wireName(), "job_id", active.get().jobId()));
            }
        }
        var run = store.insert(checked.parameters(), overrides,
                Trace.current().map(TraceContext::traceparent).orElse(null));
        LOG.info("pipeline run {} started", run.id());
        wake();
        return statusOf(run, List.of());
    }

    /**
     * Every phase's parameters are checked now, as its job would be, so a typo in the last phase's override is the
     * caller's 400 and not a failure an hour later.
     */
    private Map<String, Map<String, Object>> validate(PipelineRequest request) {
        var overrides = new LinkedHashMap<String, Map<String, Object>>();
        for (var entry : request.phases().entrySet()) {
            ModelPhase phase;
            try {
                phase = ModelPhase.parse(entry.getKey());
            } catch (InvalidRequestException notAPhase) {
                throw new InvalidRequestException("phases." + entry.getKey(), "one of " + ModelPhase.wireNames(),
                        entry.getKey());
            }
            overrides.put(phase.wireName(), entry.getValue());
        }
        var merged = new PipelineRun(null, "running", request.parameters(), overrides, ModelPhase.COGNATE, "", null,
                null, null, null, null);
        for (var phase : ModelPhase.values()) {
            var own = overrides.getOrDefault(phase.wireName(), Map.of());
            try {
                PhaseParameters.of(new JobRequest(phase, null, merged.parametersOf(phase), null),
                        settings.datasetsDir());
            } catch (InvalidRequestException refused) {
                var where = own.containsKey(refused.field()) ? "phases." + phase.wireName() + "." : "parameters.";
                throw new InvalidRequestException(where + refused.field(), phase.wireName() + ": "
                        + refused.getMessage());
            }
        }
        return overrides;
    }

    @Override
    public PipelineStatus status() {
        return store.latest().map(run -> statusOf(run, store.steps(run.id())))
                .orElseGet(() -> PipelineStatus.idle("no pipeline run since the last reset"));
    }

    @Override
    public PipelineStatus stop() {
        var run = store.running().orElseThrow(() -> new ConflictException("no pipeline run is running",
                Map.of()));
        end(run, "cancelled", "stopped at " + run.currentPhase().wireName() + " by request", null);
        return status();
    }

    @Override
    public PipelineStatus reset() {
        store.running().ifPresent(run -> end(run, "cancelled", "reset at " + run.currentPhase().wireName(), null));
        for (var phase : ModelPhase.values()) {
            training.jobs(new JobQuery(phase, null, PageRequest.first(1))).items().stream()
                    .filter(job -> !job.status().isFinal()).forEach(job -> cancelQuietly(job.jobId()));
        }
        store.clear();
        var idle = PipelineStatus.idle("pipeline reset; models are kept");
        publish(EventTypes.PIPELINE_UPDATE, idle);
        return idle;
    }

    @Override
    public PipelineReport report() {
        var run = store.latest().orElseThrow(() -> new NotFoundException("no pipeline run since the last reset;"
                + " start one with POST /pipeline/run"));
        return reports.of(run, store.steps(run.id()));
    }

    /** Runs a round soon instead of at the next tick. */
    void wake() {
        if (!closing) {
            timer.execute(this::tick);
        }
    }

    private void tick() {
        try {
            var running = store.running();
            if (running.isEmpty() || closing || !store.lease(running.get().id(), settings.owner(), settings.lease())) {
                return;
            }
            var run = running.get();
            try (var ignored = Trace.resume(run.traceparent(), false)) {
                drive(run);
            }
        } catch (RuntimeException e) {
            // The database or the Model service may be briefly away; the next tick tries again, the lease keeps the
            // run this driver's meanwhile.
            LOG.warn("driving the pipeline failed; trying again at the next tick", e);
        }
    }

    /** One step of the run, from what the store says. */
    private void drive(PipelineRun run) {
        var phase = run.currentPhase();
        var step = store.steps(run.id()).stream().filter(s -> s.phase() == phase).findFirst();
        if (step.isEmpty()) {
            queue(run, phase);
            return;
        }
        var jobId = step.get().jobId();
        if (jobId == null) {
            // This driver (or its predecessor) died between queueing the job and recording it: take the job it left,
            // if any, or queue it now.
            var left = jobLeftBehind(phase, step.get().startedAt());
            if (left.isPresent()) {
                store.recordJob(run.id(), phase, left.get().jobId(), settings.owner());
            } else {
                submit(run, phase);
            }
            return;
        }
        var job = training.job(jobId);
        if (!job.status().isFinal()) {
            announceProgress(run, job);
            return;
        }
        if (job.status() != TaskStatus.COMPLETED) {
            var why = phase.displayName() + " job " + jobId + " " + job.status().wireName()
                    + (job.errorMessage() == null ? "" : ": " + firstLine(job.errorMessage()));
            if (store.endStep(run.id(), phase, job.status().wireName(), null, why, settings.owner())) {
                end(run, job.status() == TaskStatus.CANCELLED ? "cancelled" : "failed", why, settings.owner());
            }
            return;
        }
        String winner;
        try {
            winner = winnerOf(phase, job);
        } catch (IllegalStateException nothingHandedOn) {
            if (store.endStep(run.id(), phase, "failed", null, nothingHandedOn.getMessage(), settings.owner())) {
                end(run, "failed", nothingHandedOn.getMessage(), settings.owner());
            }
            return;
        }
        var done = phase.displayName() + " completed" + (winner == null ? "" : "; winner " + winner);
        if (!store.endStep(run.id(), phase, "completed", winner, done, settings.owner())) {
            return;
        }
        if (phase.next() == null) {
            end(run, "completed", "all " + TOTAL + " phases completed; final model " + winner, settings.owner());
            return;
        }
        if (store.advance(run.id(), phase.next(), done, settings.owner())) {
            announce(run.id());
            queue(store.running().orElseThrow(), phase.next());
        }
    }

    /** Starts the phase: refused at once (and the run failed, saying why) when the Training service cannot run it. */
    private void queue(PipelineRun run, ModelPhase phase) {
        if (!store.beginStep(run.id(), phase, settings.owner())) {
            return;
        }
        submit(run, phase);
    }

    private void submit(PipelineRun run, ModelPhase phase) {
        TrainingJob job;
        try {
            job = training.submit(new JobRequest(phase, null, run.parametersOf(phase), null));
        } catch (InvalidRequestException | NotImplementedException
                 | ConflictException refused) {
            // A phase without a runner (501) or refused parameters end the run here, with the reason as given.
            var why = phase.displayName() + " refused: " + refused.getMessage();
            LOG.info("pipeline run {} stops at {}: {}", run.id(), phase.wireName(), refused.getMessage());
            if (store.endStep(run.id(), phase, "refused", null, why, settings.owner())) {
                end(run, "failed", why, settings.owner());
            }
            return;
        }
        if (store.recordJob(run.id(), phase, job.jobId(), settings.owner())) {
            announce(run.id());
        } else {
            // The run was stopped or taken over while the job was queued: the job belongs to nobody.
            cancelQuietly(job.jobId());
        }
    }

    private Optional<TrainingJob> jobLeftBehind(ModelPhase phase, Instant stepStarted) {
        return training.jobs(new JobQuery(phase, null, PageRequest.first(1))).items().stream()
                .filter(job -> !job.createdAt().isBefore(stepStarted.minusSeconds(1)))
                .findFirst();
    }

    /**
     * What the completed phase handed on: the Training service marks the winner and hands it on; the run only checks
     * that the phase chose, since the next phase would otherwise start from nothing.
     *
     * @return the winner's model id, or null for Cognate, which hands on all its models
     */
    private String winnerOf(ModelPhase phase, TrainingJob job) {
        List<ModelMetadata> produced = models.models(new ModelQuery(phase, null, null, null,
                        PageRequest.first(PageRequest.MAX_LIMIT))).items().stream()
                .filter(model -> job.jobId().equals(model.trainingJobId()) && !model.tags().contains("ancestor"))
                .toList();
        if (phase == ModelPhase.COGNATE) {
            if (produced.size() < 3) {
                throw new IllegalStateException("Cognate job " + job.jobId() + " saved " + produced.size()
                        + " models; EvoMerge needs 3");
            }
            return null;
        }
        return produced.stream().filter(ModelMetadata::isWinner).findFirst()
                .orElseThrow(() -> new IllegalStateException(phase.displayName() + " job " + job.jobId() + " saved "
                        + produced.size() + " models and marked none the winner"))
                .modelId();
    }

    /** Ends a run: its open step ends with it, its job (when an operator stops it) is cancelled. */
    private void end(PipelineRun run, String status, String message, String owner) {
        if (!store.finish(run.id(), status, message, owner)) {
            return;
        }
        if (owner == null) {
            store.steps(run.id()).stream().filter(s -> s.jobId() != null && !s.status().equals("completed"))
                    .forEach(s -> cancelQuietly(s.jobId()));
        }
        store.endOpenSteps(run.id(), status, message);
        LOG.info("pipeline run {} {}: {}", run.id(), status, message);
        announcedProgress.remove(run.id());
        var ended = store.latest().filter(r -> r.id().equals(run.id()));
        ended.ifPresent(r -> {
            var finalStatus = statusOf(r, store.steps(r.id()));
            publish(EventTypes.PIPELINE_UPDATE, finalStatus);
            publish(EventTypes.PIPELINE_COMPLETE, finalStatus);
        });
    }

    private void announce(String runId) {
        store.latest().filter(r -> r.id().equals(runId))
                .ifPresent(r -> publish(EventTypes.PIPELINE_UPDATE, statusOf(r, store.steps(r.id()))));
    }

    /** While a phase trains, an update whenever the run's progress moved by a percent. */
    private void announceProgress(PipelineRun run, TrainingJob job) {
        var status = statusOf(run, store.steps(run.id()), job);
        var last = announcedProgress.get(run.id());
        if (last == null || Math.abs(status.progress() - last) >= 0.01) {
            announcedProgress.put(run.id(), status.progress());
            publish(EventTypes.PIPELINE_UPDATE, status);
        }
    }

    private PipelineStatus statusOf(PipelineRun run, List<PipelineStep> steps) {
        var current = steps.stream().filter(s -> s.phase() == run.currentPhase()).findFirst();
        TrainingJob job = null;
        if (run.running() && current.isPresent() && current.get().jobId() != null) {
            try {
                job = training.job(current.get().jobId());
            } catch (ServiceException unavailable) {
                // The status still answers from the store; the phase's progress is then counted as zero.
            }
        }
        return statusOf(run, steps, job);
    }

    private static PipelineStatus statusOf(PipelineRun run, List<PipelineStep> steps, TrainingJob job) {
        int completed = (int) steps.stream().filter(s -> s.status().equals("completed")).count();
        var current = steps.stream().filter(s -> s.phase() == run.currentPhase()).findFirst();
        double jobProgress = run.running() && job != null ? Math.min(1, Math.max(0, job.progress())) : 0;
        var message = run.running() && current.isPresent() ? current.get().message() : run.message();
        return new PipelineStatus(run.id(), run.status(), (completed + jobProgress) / TOTAL, completed,
                run.running() ? 1 : 0, TOTAL, run.currentPhase(), current.map(PipelineStep::jobId).orElse(null),
                run.running() ? run.currentPhase().displayName() + ": " + message : message, Instant.now());
    }

    private void publish(String type, PipelineStatus status) {
        var data = new LinkedHashMap<String, Object>();
        data.put("run_id", status.runId());
        data.put("current_phase", status.currentPhase() == null ? null : status.currentPhase().wireName());
        data.put("current_job_id", status.currentJobId());
        data.put("message", status.message());
        data.put("phases_completed", status.phasesCompleted());
        data.put("pipeline_progress", status.progress());
        data.put("status", status.status());
        try {
            bus.publish(Event.of(type, SOURCE, data));
        } catch (RuntimeException e) {
            // Events are for watchers; a bus outage must not stop the run they watch (the store has its state).
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

    private static String firstLine(String text) {
        var end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /**
     * Stops this replica's driver cleanly: the lease of a run it drives is given up, so that another replica
     * continues it at once.
     */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.running().ifPresent(run -> store.releaseLease(run.id(), settings.owner()));
        } catch (RuntimeException e) {
            LOG.warn("could not give up the pipeline's lease; it runs out by itself", e);
        }
    }
}
