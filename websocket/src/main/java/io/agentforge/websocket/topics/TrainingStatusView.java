package io.agentforge.websocket.topics;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code get_training_status}: the latest state of each phase, the models saved and the jobs running,
 * as learnt from the training and model events this service has seen on the bus since it started.
 */
public final class TrainingStatusView {
    private static final int MODELS_KEPT = 200;

    private final Map<ModelPhase, Map<String, Object>> phases = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> activeJobs = new LinkedHashMap<>();
    private final Deque<Map<String, Object>> models = new ArrayDeque<>();

    public TrainingStatusView() {
        for (var phase : ModelPhase.values()) {
            phases.put(phase, phaseState(phase, "ready", 0.0, null, phase.displayName() + " has not run"));
        }
    }

    public synchronized void apply(Event event) {
        var type = event.eventType();
        if (type.equals(EventTypes.MODEL_SAVED)) {
            models.addFirst(event.data());
            if (models.size() > MODELS_KEPT) {
                models.removeLast();
            }
            return;
        }
        var update = type.startsWith("training_") ? TopicBridge.phaseUpdate(event) : null;
        var jobId = TopicBridge.jobId(event.data());
        if (update != null) {
            var phase = ModelPhase.parse((String) update.get("phase_name"));
            phases.put(phase, phaseState(phase, (String) update.get("status"), (Double) update.get("progress"),
                    jobId, (String) update.get("message")));
        }
        if (jobId != null && (type.equals(EventTypes.TRAINING_STARTED) || type.equals(EventTypes.TRAINING_PROGRESS))) {
            var job = new LinkedHashMap<String, Object>(event.data());
            job.put("job_id", jobId);
            job.put("status", "running");
            activeJobs.put(jobId, job);
        } else if (jobId != null && (type.equals(EventTypes.TRAINING_COMPLETED)
                || type.equals(EventTypes.TRAINING_FAILED) || type.equals(EventTypes.TRAINING_CANCELLED)
                || type.equals(EventTypes.TRAINING_PAUSED))) {
            activeJobs.remove(jobId);
        }
    }

    /** {@code {phases, models, active_training}}. */
    public synchronized Map<String, Object> snapshot() {
        var phaseList = new LinkedHashMap<String, Object>();
        phases.forEach((phase, state) -> phaseList.put(phase.wireName(), state));
        var status = new LinkedHashMap<String, Object>();
        status.put("phases", phaseList);
        status.put("models", List.copyOf(models));
        status.put("active_training", new ArrayList<>(activeJobs.values()));
        return status;
    }

    private static Map<String, Object> phaseState(ModelPhase phase, String status, double progress, String jobId,
                                                  String message) {
        var state = new LinkedHashMap<String, Object>();
        state.put("phase_name", phase.wireName());
        state.put("status", status);
        state.put("progress", progress);
        state.put("job_id", jobId);
        state.put("message", message);
        return state;
    }
}
