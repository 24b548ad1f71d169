package io.agentforge.training.jobs;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineService;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricBuckets;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.health.EventBusCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import io.agentforge.training.artifacts.PhaseHandoffs;
import io.agentforge.training.artifacts.TrainedModels;
import io.agentforge.training.history.MetricHistory;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.pipeline.PipelineRuns;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Training service in this process: validates and queues jobs, and answers for them from the database, which
 * every instance shares. The {@link JobScheduler} runs them. Cancel and pause change the job row first and then
 * stop this instance's worker; an instance elsewhere that runs the job notices at its next lease renewal. Both also
 * cancel the job's sub-jobs (see {@link SubJobStore}).
 */
public final class TrainingJobs implements TrainingService, AutoCloseable {
    public static final String NAME = "training";

    private final Database database;
    private final EventBus bus;
    private final JobStore store;
    private final JobMetricHistory points;
    private final JobEvents events;
    private final JobScheduler scheduler;
    private final PhaseStatsStore stats;
    private final MetricHistory history;
    private final Instant startedAt = Instant.now();
    private volatile PipelineRuns pipeline;

    private TrainingJobs(Database database, EventBus bus, JobStore store, JobMetricHistory points,
                         JobScheduler scheduler, PhaseStatsStore stats) {
        this.database = database;
        this.bus = bus;
        this.store = store;
        this.points = points;
        this.events = new JobEvents(bus);
        this.scheduler = scheduler;
        this.stats = stats;
        this.history = new MetricHistory(database);
    }

    /** Builds the service and starts its scheduler (which at once recovers jobs a dead instance left running). */
    public static TrainingJobs start(Database database, EventBus bus, ModelService models, SchedulerSettings settings) {
        var store = new JobStore(database);
        var points = new JobMetricHistory(database);
        var stats = new PhaseStatsStore(database);
        var scheduler = new JobScheduler(store, new JobQueue(database), points, new JobEvents(bus),
                new TrainedModels(models), new PhaseHandoffs(models), stats, new SubJobStore(database), settings);
        var service = new TrainingJobs(database, bus, store, points, scheduler, stats);
        scheduler.start();
        // The pipeline queues its phases' jobs through this service, as any client would.
        service.pipeline = PipelineRuns.start(database, service, models, bus, new PipelineRuns.Settings(
                settings.owner(), settings.lease(), settings.tick(), settings.datasetsDir()));
        return service;
    }

    @Override
    public TrainingJob submit(JobRequest request) {
        if (request == null || request.phase() == null) {
            throw new InvalidRequestException("phase", "one of " + ModelPhase.wireNames(), null);
        }
        if (!implementedPhases().contains(request.phase())) {
            throw notImplemented(request.phase());
        }
        var parameters = PhaseParameters.of(request, scheduler.settings().datasetsDir());
        var jobsDir = scheduler.settings().jobsDir().toString();
        // The job's run, later and perhaps on another replica, continues the submitting request's trace.
        var job = store.insert(new JobRequest(request.phase(), parameters.config(jobsDir), parameters.asMap(),
                request.priority()), Trace.current().map(TraceContext::traceparent).orElse(null));
        scheduler.wake();
        return job;
    }

    @Override
    public TrainingJob job(String jobId) {
        var job = store.find(jobId);
        return job.status() == TaskStatus.COMPLETED ? job.withStats(stats.find(jobId)) : job;
    }

    /** The phases with a runner in the worker; others are refused (501) rather than simulated. */
    @Override
    public Set<ModelPhase> implementedPhases() {
        return scheduler.settings().implementedPhases();
    }

    /** The 501 for a phase without a runner: our limitation, so it says which phases do run. */
    public NotImplementedException notImplemented(ModelPhase phase) {
        var details = new LinkedHashMap<String, Object>();
        details.put("phase", phase.wireName());
        details.put("implemented_phases", implementedPhases().stream().map(ModelPhase::wireName).toList());
        return new NotImplementedException("phase " + phase + " is not implemented yet; the Training service runs "
                + details.get("implemented_phases"), details);
    }

    @Override
    public Page<TrainingJob> jobs(JobQuery query) {
        return store.list(query == null ? JobQuery.all() : query);
    }

    @Override
    public TrainingJob cancel(String jobId) {
        var job = store.finish(jobId, TaskStatus.CANCELLED, "cancelled", null);
        scheduler.release(jobId, "cancelled");
        scheduler.cancelSubJobs(jobId, "its parent job " + jobId + " was cancelled");
        scheduler.rejectInputs(jobId, "job " + jobId + " was cancelled");
        events.state(JobEvents.TRAINING_CANCELLED, job, store.findQueued(jobId).totalSteps(), Map.of());
        return job;
    }

    @Override
    public TrainingJob pause(String jobId) {
        var queued = store.findQueued(jobId);
        if (queued.paused()) {
            throw new ConflictException("job " + jobId + " is already paused", Map.of("job_id", jobId));
        }
        var job = store.pause(jobId, "paused at step " + queued.job().currentStep()
                + "; resume continues from the last checkpoint");
        scheduler.release(jobId, "paused");
        // Its resumed run asks for them again: those done are kept, the cancelled ones are queued again.
        scheduler.cancelSubJobs(jobId, "its parent job " + jobId + " was paused");
        events.state(JobEvents.TRAINING_PAUSED, job, queued.totalSteps(), Map.of());
        return job;
    }

    @Override
    public TrainingJob resume(String jobId) {
        var job = store.resume(jobId);
        scheduler.wake();
        return job;
    }

    @Override
    public PipelineService pipeline() {
        return pipeline;
    }

    @Override
    public List<TrainingProgress> metrics(String jobId) {
        return points.metrics(jobId);
    }

    @Override
    public MetricBuckets metricBuckets(String jobId, MetricWindow window) {
        return history.buckets(jobId, window);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HealthReport health() {
        var checks = new LinkedHashMap<String, DependencyCheck>();
        checks.put("database", database.check());
        checks.put("event_bus", EventBusCheck.check(bus, ServiceStatus.DEGRADED, "progress events are not delivered"));
        checks.put("workers", workers());
        return HealthReport.of(NAME, checks, (System.currentTimeMillis() - startedAt.toEpochMilli()) / 1000.0);
    }

    /** Publishes jobs by status and this instance's workers on the service's {@code /metrics}. */
    public void bindMetrics(MeterRegistry registry) {
        new JobMetrics(store).bindTo(registry, scheduler);
    }

    /** The worker slots of this instance, for {@code /health}: how many jobs run here, of how many allowed. */
    public DependencyCheck workers() {
        return new DependencyCheck(ServiceStatus.HEALTHY, 0, scheduler.runningHere() + " of at most "
                + scheduler.settings().maxConcurrentJobs() + " jobs running on this instance");
    }

    /** This instance's scheduler; tests use it to watch workers and to simulate a crash. */
    JobScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        pipeline.close();
        scheduler.close();
    }
}
