package io.agentforge.api.phases;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.api.PhaseStartRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts, follows and stops phases. A phase's state is its latest training job: the Training service's store is the
 * only truth, so this class keeps nothing that could disagree with it after a restart.
 */
public final class PhaseOrchestrator {
    private final TrainingService training;
    private final Prerequisites prerequisites;
    private final LatestProgress latestProgress;

    public PhaseOrchestrator(TrainingService training, Prerequisites prerequisites, LatestProgress latestProgress) {
        this.training = training;
        this.prerequisites = prerequisites;
        this.latestProgress = latestProgress;
    }

    /**
     * Checks the request and the prerequisites, then queues the phase's job; the Training service validates the
     * parameters (unknown or out-of-range ones are a 400 naming them).
     *
     * @param pathPhase the phase as spelled in the URL (underscore aliases accepted)
     */
    public PhaseStarted start(String pathPhase, PhaseStartRequest request) {
        var phase = pathPhase(pathPhase);
        if (request.phaseName() != null && parseOrNull(request.phaseName()) != phase) {
            throw new InvalidRequestException("phase_name", "the phase of the path, " + phase.wireName()
                    + ", or no phase_name at all", request.phaseName());
        }
        if (!request.realTraining()) {
            throw new InvalidRequestException("real_training", "true or absent: every phase trains for real, there"
                    + " is no simulated training", false);
        }
        var job = start(phase, request.parameters());
        return new PhaseStarted(job.jobId(), phase, phase.displayName() + " queued as job " + job.jobId());
    }

    /** Queues a job of the phase after checking that none is active and that its prerequisites exist. */
    public TrainingJob start(ModelPhase phase, Map<String, Object> parameters) {
        latestJob(phase).filter(job -> !job.status().isFinal()).ifPresent(active -> {
            throw new ConflictException(phase.displayName() + " already has job " + active.jobId() + " "
                    + active.status() + "; stop it first", Map.of("job_id", active.jobId(),
                    "status", active.status().wireName()));
        });
        var implemented = training.implementedPhases();
        if (!implemented.contains(phase)) {
            var details = new LinkedHashMap<String, Object>();
            details.put("phase", phase.wireName());
            details.put("implemented_phases", implemented.stream().sorted().map(ModelPhase::wireName).toList());
            throw new NotImplementedException("phase " + phase + " is not implemented yet", details);
        }
        prerequisites.require(phase, implemented);
        return training.submit(new JobRequest(phase, null, parameters, null));
    }

    public PhaseStatus status(String pathPhase) {
        return status(pathPhase(pathPhase));
    }

    public PhaseStatus status(ModelPhase phase) {
        return latestJob(phase).map(this::statusOf).orElseGet(() -> PhaseStatus.neverRun(phase));
    }

    public PhasesOverview overview() {
        var phases = new LinkedHashMap<String, PhaseStatus>();
        int completed = 0;
        int running = 0;
        for (var phase : ModelPhase.values()) {
            var status = status(phase);
            phases.put(phase.wireName(), status);
            completed += status.status().equals(TaskStatus.COMPLETED.wireName()) ? 1 : 0;
            running += status.status().equals(TaskStatus.RUNNING.wireName()) ? 1 : 0;
        }
        return new PhasesOverview(phases, new PhasesOverview.Summary(phases.size(), completed, running));
    }

    /**
     * Cancels the phase's active (pending or running) job.
     *
     * @throws ConflictException when the phase has none
     */
    public TrainingJob stop(String pathPhase) {
        var phase = pathPhase(pathPhase);
        var job = latestJob(phase).filter(latest -> !latest.status().isFinal()).orElseThrow(() ->
                new ConflictException(phase.displayName() + " has no pending or running job to stop",
                        Map.of("phase", phase.wireName())));
        return training.cancel(job.jobId());
    }

    /** The newest job of the phase, if it ever ran. */
    public Optional<TrainingJob> latestJob(ModelPhase phase) {
        return training.jobs(new JobQuery(phase, null, PageRequest.first(1))).items().stream().findFirst();
    }

    private PhaseStatus statusOf(TrainingJob job) {
        var latest = latestProgress.of(job.jobId());
        if (latest == null && job.currentStep() > 0) {
            var history = training.metrics(job.jobId());
            latest = history.isEmpty() ? LatestProgress.Point.NONE : LatestProgress.Point.of(history.getLast());
            if (job.status().isFinal()) {
                // A finished job's history is complete: read it once, not on every status call.
                latestProgress.remember(job.jobId(), latest);
            }
        }
        // The job's own count once it reported one: max_steps is per model, and a phase may train several.
        int totalSteps = latest != null && latest.totalSteps() > 0 ? latest.totalSteps()
                : job.config() == null ? 0 : job.config().maxSteps();
        // Listed jobs carry no stats; a completed one's are read with the job.
        var stats = job.status() == TaskStatus.COMPLETED ? training.job(job.jobId()).stats() : null;
        return new PhaseStatus(job.phase(), job.status().wireName(), job.jobId(), job.startedAt(), job.progress(),
                job.currentStep(), totalSteps, job.message(), latest == null ? null : latest.metrics(),
                job.errorMessage(), stats);
    }

    /** A phase named in a URL: an unknown one is no resource of ours (404), with the names that exist. */
    public static ModelPhase pathPhase(String text) {
        var phase = parseOrNull(text);
        if (phase == null) {
            throw new NotFoundException("no phase '" + text + "'; the phases are " + ModelPhase.wireNames()
                    + " (underscores accepted)");
        }
        return phase;
    }

    private static ModelPhase parseOrNull(String text) {
        try {
            return ModelPhase.parse(text);
        } catch (InvalidRequestException notAPhase) {
            return null;
        }
    }
}
