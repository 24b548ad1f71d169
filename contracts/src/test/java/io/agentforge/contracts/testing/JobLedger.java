package io.agentforge.contracts.testing;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.contracts.training.TrainingService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The in-memory Training service of the tests, whose jobs a test finishes: submit validates like the real one (unknown parameters, max_steps
 * range, phases that are not implemented), and {@link #complete}/{@link #fail} end a job and publish the
 * {@code training_*} events the real service publishes.
 */
public final class JobLedger implements TrainingService {
    private static final Set<String> PARAMETERS = Set.of("max_steps", "batch_size", "learning_rate", "max_train_samples",
            "max_eval_samples", "use_grokfast", "grokfast_alpha", "grokfast_lambda", "seed", "model_preset", "dataset");

    private final EventBus bus;
    private final Set<ModelPhase> runnable;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<TrainingProgress>> metrics = new ConcurrentHashMap<>();
    private final List<Consumer<TrainingJob>> onSubmit = new CopyOnWriteArrayList<>();

    public JobLedger(EventBus bus, Set<ModelPhase> runnable) {
        this.bus = bus;
        this.runnable = runnable.isEmpty() ? EnumSet.noneOf(ModelPhase.class) : EnumSet.copyOf(runnable);
    }

    /** Called with every accepted job, on the submitting thread's behalf (the listener may finish it at once). */
    public void onSubmit(Consumer<TrainingJob> listener) {
        onSubmit.add(listener);
    }

    public void clear() {
        jobs.clear();
        metrics.clear();
        onSubmit.clear();
    }

    @Override
    public Set<ModelPhase> implementedPhases() {
        return Set.copyOf(runnable);
    }

    /** Lets the ledger accept jobs of more phases, as a Training service with their runners would. */
    public void implement(ModelPhase... phases) {
        runnable.addAll(List.of(phases));
    }

    @Override
    public TrainingJob submit(JobRequest request) {
        if (!runnable.contains(request.phase())) {
            throw new NotImplementedException("phase " + request.phase() + " is not implemented yet",
                    Map.of("phase", request.phase().wireName()));
        }
        for (var name : request.parameters().keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new InvalidRequestException(name, "unknown parameter " + name);
            }
        }
        var steps = request.parameters().getOrDefault("max_steps", 2000);
        if (!(steps instanceof Integer maxSteps) || maxSteps < 1 || maxSteps > 1_000_000) {
            throw new InvalidRequestException("max_steps", "an integer from 1 to 1000000", steps);
        }
        var now = Instant.now();
        var job = new TrainingJob(UUID.randomUUID().toString(), request.phase(),
                new TrainingConfig(maxSteps, 8, 2e-4, null, null, null, true), request.parameters(),
                TaskStatus.PENDING, now, null, null, 0, 0, "queued", null);
        jobs.put(job.jobId(), job);
        onSubmit.forEach(listener -> Thread.ofVirtual().start(() -> listener.accept(job)));
        return job;
    }

    /** Moves the job to running at the given step and publishes a progress point. */
    public TrainingJob progress(String jobId, int step, Map<String, Double> values) {
        return progress(jobId, step, job(jobId).config().maxSteps(), values);
    }

    /**
     * The same for a job of several runs, whose total steps are not its {@code max_steps} (Cognate trains three
     * models of {@code max_steps} each), as the Training service reports them.
     */
    public TrainingJob progress(String jobId, int step, int totalSteps, Map<String, Double> values) {
        var job = update(jobId, TaskStatus.RUNNING, "step " + step, null, step);
        var point = new TrainingProgress(jobId, job.progress(), step, totalSteps, job.message(), values,
                Instant.now());
        metrics.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(point);
        var data = new LinkedHashMap<String, Object>(Map.of("total_steps", totalSteps));
        publish(EventTypes.TRAINING_PROGRESS, job, values, data);
        return job;
    }

    public TrainingJob complete(String jobId) {
        var job = update(jobId, TaskStatus.COMPLETED, "completed", null, jobs.get(jobId).config().maxSteps());
        publish(EventTypes.TRAINING_COMPLETED, job, Map.of());
        return job;
    }

    public TrainingJob fail(String jobId, String error) {
        var job = update(jobId, TaskStatus.FAILED, "failed", error, jobs.get(jobId).currentStep());
        publish(EventTypes.TRAINING_FAILED, job, Map.of());
        return job;
    }

    @Override
    public TrainingJob job(String jobId) {
        var job = jobs.get(jobId);
        if (job == null) {
            throw new NotFoundException("job", jobId);
        }
        return job;
    }

    @Override
    public Page<TrainingJob> jobs(JobQuery query) {
        var matching = jobs.values().stream()
                .filter(job -> query.phase() == null || job.phase() == query.phase())
                .filter(job -> query.status() == null || job.status() == query.status())
                .sorted(Comparator.comparing(TrainingJob::createdAt).reversed())
                .toList();
        var from = Math.min(query.page().offset(), matching.size());
        var to = Math.min(from + query.page().limit(), matching.size());
        return new Page<>(matching.subList(from, to), matching.size(), query.page().offset(), query.page().limit());
    }

    @Override
    public TrainingJob cancel(String jobId) {
        if (job(jobId).status().isFinal()) {
            throw new ConflictException("job " + jobId + " is already " + job(jobId).status());
        }
        var job = update(jobId, TaskStatus.CANCELLED, "cancelled", null, job(jobId).currentStep());
        publish("training_cancelled", job, Map.of());
        return job;
    }

    @Override
    public TrainingJob pause(String jobId) {
        throw new ConflictException("pausing is not part of the API's tests");
    }

    @Override
    public TrainingJob resume(String jobId) {
        throw new ConflictException("resuming is not part of the API's tests");
    }

    @Override
    public List<TrainingProgress> metrics(String jobId) {
        job(jobId);
        return List.copyOf(metrics.getOrDefault(jobId, List.of()));
    }

    @Override
    public String name() {
        return "training";
    }

    @Override
    public HealthReport health() {
        return new HealthReport("training", ServiceStatus.HEALTHY, Map.of(), 1, Instant.now());
    }

    private synchronized TrainingJob update(String jobId, TaskStatus status, String message, String error, int step) {
        var old = job(jobId);
        var now = Instant.now();
        var job = new TrainingJob(old.jobId(), old.phase(), old.config(), old.parameters(), status, old.createdAt(),
                old.startedAt() == null ? now : old.startedAt(), status.isFinal() ? now : null,
                Math.min(1.0, (double) step / old.config().maxSteps()), step, message, error);
        jobs.put(jobId, job);
        return job;
    }

    private void publish(String type, TrainingJob job, Map<String, Double> values) {
        publish(type, job, values, new LinkedHashMap<>());
    }

    private void publish(String type, TrainingJob job, Map<String, Double> values, Map<String, Object> data) {
        data.put("job_id", job.jobId());
        data.put("phase", job.phase().wireName());
        data.put("status", job.status().wireName());
        data.put("progress", job.progress());
        data.put("current_step", job.currentStep());
        data.put("metrics", values);
        bus.publish(Event.of(type, "training", data));
    }

    /** Every job, oldest first. */
    public List<TrainingJob> all() {
        var all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(TrainingJob::createdAt));
        return all;
    }
}
