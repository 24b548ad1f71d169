package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentforge.cli.server.EventStream;
import io.agentforge.cli.server.ForgeClient;
import io.agentforge.contracts.Json;

import java.util.List;
import java.util.Optional;

/**
 * One training job: its {@code jobs/{id}} topic, its stored progress history ({@code GET /jobs/{id}/metrics}) for
 * what happened before the subscription, and its status ({@code GET /jobs/{id}}) as the last word.
 */
public final class JobSubject implements Subject {
    private final ForgeClient api;
    private final String jobId;
    private final String topic;
    /** Live steps at or below this were already shown from the history (the two overlap once); -1 when passed. */
    private long shownUpTo = -1;

    public JobSubject(ForgeClient api, String jobId) {
        this.api = api;
        this.jobId = jobId;
        this.topic = "jobs/" + jobId;
    }

    @Override
    public List<String> topics() {
        return List.of(topic);
    }

    @Override
    public void catchUp(FollowView view) {
        var phase = api.get("/jobs/" + jobId).path("phase").asText();
        for (var point : api.get("/jobs/" + jobId + "/metrics")) {
            view.show(asEvent(point, phase, topic));
            shownUpTo = point.path("current_step").asLong();
        }
    }

    /** A stored progress point in the shape of the live {@code training_progress} message, marked as replayed. */
    public static JsonNode asEvent(JsonNode point, String phase, String topic) {
        ObjectNode data = point.deepCopy();
        data.put("phase", phase);
        data.put("status", "running");
        var message = Json.mapper().createObjectNode();
        message.put("type", "training_progress");
        message.set("timestamp", point.get("timestamp"));
        message.set("data", data);
        message.put("source_service", "api");
        message.put("topic", topic);
        message.put("replayed", true);
        return message;
    }

    @Override
    public Optional<Outcome> ended(String lastEventId) {
        var job = api.get("/jobs/" + jobId);
        return Optional.ofNullable(Outcome.ofStatus(job.path("status").asText(), message(job), lastEventId));
    }

    @Override
    public Optional<Outcome> ends(EventStream.Item.Message message, String lastEventId) {
        var data = message.json().path("data");
        var status = switch (message.type()) {
            case "training_completed" -> "completed";
            case "training_failed" -> "cancelled".equals(data.path("status").asText()) ? "cancelled" : "failed";
            case "training_cancelled" -> "cancelled";
            default -> null;
        };
        return status == null || !topic.equals(message.json().path("topic").asText()) ? Optional.empty()
                : Optional.of(Outcome.ofStatus(status, message(data), lastEventId));
    }

    @Override
    public boolean shows(EventStream.Item.Message message) {
        if (shownUpTo >= 0 && "training_progress".equals(message.type())) {
            if (message.json().path("data").path("current_step").asLong() <= shownUpTo) {
                return false;
            }
            shownUpTo = -1;
        }
        return true;
    }

    @Override
    public String watchAgain(String lastEventId) {
        return "forge run watch " + jobId + (lastEventId == null ? "" : " --since " + lastEventId);
    }

    private static String message(JsonNode job) {
        var error = job.path("error_message").asText("");
        return error.isEmpty() ? job.path("message").asText("") : error;
    }
}
