package io.agentforge.websocket.topics;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.websocket.connection.TopicMessage;
import io.agentforge.websocket.protocol.WireMessages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one bus event into the messages of every topic it belongs to (SPEC section 5). A pure function, so a live
 * event and the same event replayed to a resuming client produce the same messages.
 */
public final class TopicBridge {

    /** The messages for this event, one per topic; empty when no topic carries it. */
    public List<TopicMessage> route(Event event) {
        var messages = new ArrayList<TopicMessage>(3);
        var data = event.data();
        switch (event.eventType()) {
            case EventTypes.TRAINING_STARTED, EventTypes.TRAINING_PROGRESS, EventTypes.TRAINING_COMPLETED,
                 EventTypes.TRAINING_FAILED, EventTypes.TRAINING_CANCELLED, EventTypes.TRAINING_PAUSED,
                 EventTypes.TRAINING_REQUEUED -> {
                add(messages, Topics.TRAINING_UPDATES, event, event.eventType(), data, false);
                var phaseUpdate = phaseUpdate(event);
                if (phaseUpdate != null) {
                    add(messages, Topics.AGENT_FORGE_PHASES, event, "phase_update", phaseUpdate, true);
                }
            }
            case EventTypes.MODEL_SAVED, EventTypes.MODEL_HANDOFF_CREATED ->
                    add(messages, Topics.MODEL_UPDATES, event, event.eventType(), data, false);
            case EventTypes.ALERT_CREATED, EventTypes.ALERT_RESOLVED, EventTypes.SERVICE_HEALTH_CHANGED ->
                    add(messages, Topics.ADMIN_ALERTS, event, event.eventType(), data, false);
            case EventTypes.SYSTEM_METRICS -> add(messages, Topics.SYSTEM_METRICS, event, EventTypes.SYSTEM_METRICS,
                    data.containsKey("metrics") ? data : Map.of("metrics", data), true);
            case EventTypes.PIPELINE_UPDATE, EventTypes.PIPELINE_COMPLETE ->
                    add(messages, Topics.PIPELINE, event, event.eventType(), data, true);
            default -> {
            }
        }
        var jobId = jobId(data);
        if (jobId != null) {
            add(messages, Topics.job(jobId), event, event.eventType(), data, false);
        }
        return messages;
    }

    /** The messages of this event on one topic (for a replay). */
    public List<TopicMessage> route(Event event, String topic) {
        return route(event).stream().filter(message -> message.topic().equals(topic)).toList();
    }

    /**
     * {@code phase_update {phase_name, status, progress, message}} from a training event that names its phase; null
     * when it does not.
     */
    static Map<String, Object> phaseUpdate(Event event) {
        var data = event.data();
        var phaseText = text(data, "phase", text(data, "phase_name", null));
        if (phaseText == null) {
            return null;
        }
        ModelPhase phase;
        try {
            phase = ModelPhase.parse(phaseText);
        } catch (RuntimeException e) {
            return null;
        }
        var status = switch (event.eventType()) {
            case EventTypes.TRAINING_COMPLETED -> "completed";
            case EventTypes.TRAINING_FAILED -> "cancelled".equals(data.get("status")) ? "cancelled" : "failed";
            case EventTypes.TRAINING_CANCELLED -> "cancelled";
            case EventTypes.TRAINING_PAUSED -> "paused";
            case EventTypes.TRAINING_REQUEUED -> "pending";
            default -> "running";
        };
        var progress = switch (event.eventType()) {
            case EventTypes.TRAINING_COMPLETED -> 1.0;
            default -> data.get("progress") instanceof Number number ? number.doubleValue() : 0.0;
        };
        var message = text(data, "message", null);
        if (message == null) {
            var error = text(data, "error_message", text(data, "error", null));
            message = phase.displayName() + " " + status + (error == null ? "" : ": " + error);
        }
        var update = new LinkedHashMap<String, Object>();
        update.put("phase_name", phase.wireName());
        update.put("status", status);
        update.put("progress", progress);
        update.put("message", message);
        update.put("job_id", jobId(data));
        return update;
    }

    /** The job an event is about: {@code job_id}, or a saved model's {@code training_job_id}. */
    static String jobId(Map<String, Object> data) {
        return text(data, "job_id", text(data, "training_job_id", null));
    }

    private static String text(Map<String, Object> data, String key, String fallback) {
        return data.get(key) instanceof String value && !value.isBlank() ? value : fallback;
    }

    private static void add(List<TopicMessage> messages, String topic, Event event, String type,
                            Map<String, Object> data, boolean flat) {
        messages.add(new TopicMessage(topic, event.eventId(), WireMessages.event(topic, event, type, data, flat)));
    }
}
