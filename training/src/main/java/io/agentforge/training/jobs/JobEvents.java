package io.agentforge.training.jobs;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code training_*} events: a {@link TrainingProgress} payload plus the job's phase and status, so that a
 * dashboard can show a job from its events alone. A bus that is down never fails a job: the database holds the truth.
 */
final class JobEvents {
    static final String SOURCE = "training";
    static final String TRAINING_CANCELLED = EventTypes.TRAINING_CANCELLED;
    static final String TRAINING_PAUSED = EventTypes.TRAINING_PAUSED;
    private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);

    private final EventBus bus;

    JobEvents(EventBus bus) {
        this.bus = bus;
    }

    /** @return the published event's id, or null when the bus refused it */
    String progress(String type, TrainingJob job, TrainingProgress progress, Map<String, Object> extra) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data = new LinkedHashMap<>(Json.mapper().convertValue(progress, Map.class));
        data.put("phase", job.phase().wireName());
        data.put("status", job.status().wireName());
        data.putAll(extra);
        try {
            var event = Event.of(type, SOURCE, data);
            bus.publish(event);
            return event.eventId();
        } catch (RuntimeException e) {
            LOG.warn("could not publish {} for job {}", type, job.jobId(), e);
            return null;
        }
    }

    /**
     * An event about the job as it stands (started, completed, failed, cancelled, paused).
     *
     * @return the published event's id, or null when the bus refused it
     */
    String state(String type, TrainingJob job, int totalSteps, Map<String, Object> extra) {
        var progress = new TrainingProgress(job.jobId(), job.progress(), job.currentStep(), totalSteps,
                job.message(), Map.of(), Instant.now());
        var all = new LinkedHashMap<>(extra);
        if (job.errorMessage() != null) {
            all.put("error_message", job.errorMessage());
        }
        return progress(type, job, progress, all);
    }
}
