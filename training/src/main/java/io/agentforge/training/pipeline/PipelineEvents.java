package io.agentforge.training.pipeline;

import io.agentforge.contracts.errors.ServiceException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.pipeline.PipelineStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run tells its watchers: its status, computed from the store and the current job's progress, and the
 * {@code pipeline_update} / {@code pipeline_complete} events on the bus. Events are for watchers only: a bus outage
 * never stops the run (the store has its state).
 */
final class PipelineEvents {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineEvents.class);
    private static final int TOTAL = PipelineStatus.TOTAL_PHASES;

    private final PipelineStore store;
    private final TrainingService training;
    private final EventBus bus;
    private final Map<String, Double> announcedProgress = new ConcurrentHashMap<>();

    PipelineEvents(PipelineStore store, TrainingService training, EventBus bus) {
        this.store = store;
        this.training = training;
        this.bus = bus;
    }

    /** A pipeline_update with the run's status as the store has it now. */
    void announce(String runId) {
        store.latest().filter(r -> r.id().equals(runId))
                .ifPresent(r -> publish(EventTypes.PIPELINE_UPDATE, statusOf(r, store.steps(r.id()))));
    }

    /** While a phase trains, an update whenever the run's progress moved by a percent. */
    void announceProgress(PipelineRun run, TrainingJob job) {
        var status = statusOf(run, store.steps(run.id()), job);
        var last = announcedProgress.get(run.id());
        if (last == null || Math.abs(status.progress() - last) >= 0.01) {
            announcedProgress.put(run.id(), status.progress());
            publish(EventTypes.PIPELINE_UPDATE, status);
        }
    }

    PipelineStatus statusOf(PipelineRun run, List<PipelineStep> steps) {
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

    void publish(String type, PipelineStatus status) {
        var data = new LinkedHashMap<String, Object>();
        data.put("run_id", status.runId());
        data.put("current_phase", status.currentPhase() == null ? null : status.currentPhase().wireName());
        data.put("current_job_id", status.currentJobId());
        data.put("message", status.message());
        data.put("phases_completed", status.phasesCompleted());
        data.put("pipeline_progress", status.progress());
        data.put("status", status.status());
        try {
            bus.publish(Event.of(type, PipelineRuns.SOURCE, data));
        } catch (RuntimeException e) {
            // Events are for watchers; a bus outage must not stop the run they watch (the store has its state).
            LOG.warn("could not publish {}", type, e);
        }
    }

    /** The run ended: its final status, as an update and as the completion. */
    void announceEnd(String runId) {
        announcedProgress.remove(runId);
        store.latest().filter(r -> r.id().equals(runId)).ifPresent(r -> {
            var finalStatus = statusOf(r, store.steps(r.id()));
            publish(EventTypes.PIPELINE_UPDATE, finalStatus);
            publish(EventTypes.PIPELINE_COMPLETE, finalStatus);
        });
    }
}
