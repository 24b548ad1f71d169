package io.agentforge.training.pipeline;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineStatus;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
/**
 * The state transitions of a run, one step per call: queue the current phase's job through the Training service,
 * or, when that job ended, check the winner it handed on and go on to the next phase, or end the run. Every
 * transition is written to the store (guarded by the driver's lease: a write by a driver that lost it changes
 * nothing) before it is announced, so a driver that dies at any moment leaves a run the next one continues.
 */
final class PipelineSteps {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineSteps.class);
    private static final int TOTAL = PipelineStatus.TOTAL_PHASES;

    private final PipelineStore store;
    private final TrainingService training;
    private final ModelService models;
    private final PipelineEvents events;
    /** This replica's name in leases. */
    private final String owner;

    PipelineSteps(PipelineStore store, TrainingService training, ModelService models, PipelineEvents events,
                  String owner) {
        this.store = store;
        this.training = training;
        this.models = models;
        this.events = events;
        this.owner = owner;
    }

    /** One step of the run, from what the store says. */
    void drive(PipelineRun run) {
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
                store.recordJob(run.id(), phase, left.get().jobId(), owner);
            } else {
                submit(run, phase);
            }
            return;
        }
        var job = training.job(jobId);
        if (!job.status().isFinal()) {
            events.announceProgress(run, job);
            return;
        }
        if (job.status() != TaskStatus.COMPLETED) {
            var why = phase.displayName() + " job " + jobId + " " + job.status().wireName()
                    + (job.errorMessage() == null ? "" : ": " + firstLine(job.errorMessage()));
            if (store.endStep(run.id(), phase, job.status().wireName(), null, why, owner)) {
                end(run, job.status() == TaskStatus.CANCELLED ? "cancelled" : "failed", why, owner);
            }
            return;
        }
        String winner;
        try {
            winner = winnerOf(phase, job);
        } catch (IllegalStateException nothingHandedOn) {
            if (store.endStep(run.id(), phase, "failed", null, nothingHandedOn.getMessage(), owner)) {
                end(run, "failed", nothingHandedOn.getMessage(), owner);
            }
            return;
        }
        var done = phase.displayName() + " completed" + (winner == null ? "" : "; winner " + winner);
        if (!store.endStep(run.id(), phase, "completed", winner, done, owner)) {
            return;
        }
        if (phase.next() == null) {
            end(run, "completed", "all " + TOTAL + " phases completed; final model " + winner, owner);
            return;
        }
        if (store.advance(run.id(), phase.next(), done, owner)) {
            events.announce(run.id());
            queue(store.running().orElseThrow(), phase.next());
        }
    }

    /** Starts the phase: refused at once (and the run failed, saying why) when the Training service cannot run it. */
    private void queue(PipelineRun run, ModelPhase phase) {
        if (!store.beginStep(run.id(), phase, owner)) {
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
            if (store.endStep(run.id(), phase, "refused", null, why, owner)) {
                end(run, "failed", why, owner);
            }
            return;
        }
        if (store.recordJob(run.id(), phase, job.jobId(), owner)) {
            events.announce(run.id());
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

    /**
     * Ends a run: its open step ends with it, its job (when an operator stops it) is cancelled.
     *
     * @param driver the replica whose lease must hold for the end to count, or null when an operator ends the run
     */
    void end(PipelineRun run, String status, String message, String driver) {
        if (!store.finish(run.id(), status, message, driver)) {
            return;
        }
        if (driver == null) {
            store.steps(run.id()).stream().filter(s -> s.jobId() != null && !s.status().equals("completed"))
                    .forEach(s -> cancelQuietly(s.jobId()));
        }
        store.endOpenSteps(run.id(), status, message);
        LOG.info("pipeline run {} {}: {}", run.id(), status, message);
        events.announceEnd(run.id());
    }

    void cancelQuietly(String jobId) {
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
}
