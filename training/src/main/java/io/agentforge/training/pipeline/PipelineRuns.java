package io.agentforge.training.pipeline;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineReport;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.pipeline.PipelineService;
import io.agentforge.contracts.pipeline.PipelineStatus;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of this Training service: runs kept in the store, and the driver of this replica. Every tick the
 * driver takes (or renews) the running run's lease and moves it one step ({@link PipelineSteps}). Every step is
 * written before it is announced ({@link PipelineEvents}), so a driver that dies at any moment leaves a run that the
 * next driver (this process restarted, or another replica once the lease ran out) continues where it stood.
 */
public final class PipelineRuns implements PipelineService, AutoCloseable {
    static final String SOURCE = "training";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuns.class);

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
    private final PipelineEvents events;
    private final PipelineSteps steps;
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
        this.events = new PipelineEvents(store, training, bus);
        this.steps = new PipelineSteps(store, training, models, events, settings.owner());
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
        return events.statusOf(run, List.of());
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
        return store.latest().map(run -> events.statusOf(run, store.steps(run.id())))
                .orElseGet(() -> PipelineStatus.idle("no pipeline run since the last reset"));
    }

    @Override
    public PipelineStatus stop() {
        var run = store.running().orElseThrow(() -> new ConflictException("no pipeline run is running",
                Map.of()));
        steps.end(run, "cancelled", "stopped at " + run.currentPhase().wireName() + " by request", null);
        return status();
    }

    @Override
    public PipelineStatus reset() {
        store.running().ifPresent(run -> steps.end(run, "cancelled", "reset at " + run.currentPhase().wireName(),
                null));
        for (var phase : ModelPhase.values()) {
            training.jobs(new JobQuery(phase, null, PageRequest.first(1))).items().stream()
                    .filter(job -> !job.status().isFinal()).forEach(job -> steps.cancelQuietly(job.jobId()));
        }
        store.clear();
        var idle = PipelineStatus.idle("pipeline reset; models are kept");
        events.publish(EventTypes.PIPELINE_UPDATE, idle);
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
                steps.drive(run);
            }
        } catch (RuntimeException e) {
            // The database or the Model service may be briefly away; the next tick tries again, the lease keeps the
            // run this driver's meanwhile.
            LOG.warn("driving the pipeline failed; trying again at the next tick", e);
        }
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
