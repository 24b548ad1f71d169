package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Locale;

/**
 * The fields a view shows from one message, whether its data is nested ({@code training_*} events) or flat
 * ({@code phase_update}).
 *
 * @param lane     which bar or column it belongs to: the phase
 * @param fraction 0..1 done, negative when the message gives none
 */
record Progress(String type, String lane, String status, long step, long total, double fraction, JsonNode metrics,
                String message, Instant timestamp) {

    static Progress of(JsonNode message) {
        var data = message.has("data") && message.get("data").isObject() ? message.get("data") : message;
        var lane = text(data, "phase", text(data, "phase_name", text(data, "current_phase", "")));
        var fraction = data.has("progress") ? data.get("progress").asDouble()
                : data.path("pipeline_progress").asDouble(-1);
        Instant timestamp;
        try {
            timestamp = Instant.parse(text(message, "timestamp", text(data, "timestamp", "")));
        } catch (RuntimeException e) {
            timestamp = Instant.now();
        }
        return new Progress(message.path("type").asText(), lane, text(data, "status", ""),
                data.path("current_step").asLong(0), data.path("total_steps").asLong(0), fraction,
                data.path("metrics"), text(data, "message", text(data, "error_message", text(data, "name", ""))), timestamp);
    }

    /** Whether this is about a run's progress or state, as opposed to e.g. a saved model. */
    boolean isRunState() {
        return type.startsWith("training_") || type.startsWith("pipeline_") || type.equals("phase_update");
    }

    boolean isStep() {
        return "training_progress".equals(type);
    }

    /** E.g. {@code loss 5.5102  lr 1.8e-04  11,402 tok/s}: the metrics a person watches, when present. */
    String metricsText() {
        var text = new StringBuilder();
        append(text, "loss", "loss %.4f");
        append(text, "eval_loss", "eval %.4f");
        append(text, "lr", "lr %.1e");
        append(text, "tokens_per_sec", "%,.0f tok/s");
        return text.toString();
    }

    /** Loss and learning rate only: what fits beside a bar. */
    String shortMetricsText() {
        var text = new StringBuilder();
        append(text, "loss", "loss %.4f");
        append(text, "lr", "lr %.1e");
        return text.toString();
    }

    /** The server's estimate of the time left, in seconds; negative when it gave none. */
    double etaSeconds() {
        return metrics.path("eta_seconds").asDouble(-1);
    }

    private void append(StringBuilder text, String metric, String format) {
        var value = metrics.get(metric);
        if (value != null && value.isNumber()) {
            text.append(text.isEmpty() ? "" : "  ").append(String.format(Locale.ROOT, format, value.asDouble()));
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        var value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : fallback;
    }
}
