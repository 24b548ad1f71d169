package io.agentforge.websocket.protocol;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of every server message. Each is a {@code WebSocketMessage} ({@code type, timestamp, data,
 * source_service}); event messages add their {@code topic}, {@code event_id} (which a client quotes to resume) and,
 * when the event has one, its {@code traceparent}, so that what a dashboard shows can be followed to the request
 * that caused it.
 * Messages whose shape SPEC section 5 names ({@code connection_established}, {@code phase_update}, ...) also carry
 * their data fields at the top level, the flat shape the original dashboards read.
 */
public final class WireMessages {
    public static final String SOURCE = "websocket";

    private WireMessages() {
    }

    /** A protocol message of this service, with its fields both in {@code data} and flat. */
    public static String protocol(String type, Map<String, Object> data) {
        return write(type, Instant.now(), data, SOURCE, null, null, null, true);
    }

    public static String error(ProtocolException problem) {
        return error(problem.code(), problem.getMessage());
    }

    public static String error(String code, String message) {
        return protocol("error", Map.of("code", code, "message", message));
    }

    /**
     * A bus event on a topic.
     *
     * @param type the message type (the event's own type, or a derived one such as {@code phase_update})
     * @param flat whether to repeat the data fields at the top level
     */
    public static String event(String topic, Event event, String type, Map<String, Object> data, boolean flat) {
        return write(type, event.timestamp(), data, event.sourceService(), topic, event.eventId(), event.traceparent(),
                flat);
    }

    private static String write(String type, Instant timestamp, Map<String, Object> data, String source, String topic,
                                String eventId, String traceparent, boolean flat) {
        var message = new LinkedHashMap<String, Object>();
        message.put("type", type);
        message.put("timestamp", timestamp);
        message.put("data", data);
        message.put("source_service", source);
        if (topic != null) {
            message.put("topic", topic);
            message.put("event_id", eventId);
        }
        if (traceparent != null) {
            message.put("traceparent", traceparent);
        }
        if (flat) {
            data.forEach(message::putIfAbsent);
        }
        return Json.write(message);
    }
}
