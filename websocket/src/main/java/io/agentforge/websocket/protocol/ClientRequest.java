package io.agentforge.websocket.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

/** What a client may ask of the server, one case per {@code type}. */
public sealed interface ClientRequest {
    String TYPES = "subscribe, unsubscribe, ping, get_training_status";

    /**
     * @param since the last event id the client saw, or null for live messages only
     */
    record Subscribe(String topic, String since) implements ClientRequest {
    }

    record Unsubscribe(String topic) implements ClientRequest {
    }

    record Ping() implements ClientRequest {
    }

    record GetTrainingStatus() implements ClientRequest {
    }

    /** Parses one text frame; the key {@code channel} is an alias of {@code topic}, as the original clients send it. */
    static ClientRequest parse(String text) throws ProtocolException {
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("malformed_json", "the message is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("malformed_json", "the message must be a JSON object with a \"type\"");
        }
        var type = node.path("type");
        if (!type.isTextual()) {
            throw new ProtocolException("missing_type", "the message needs a string \"type\", one of " + TYPES);
        }
        return switch (type.asText()) {
            case "subscribe" -> new Subscribe(topic(node), optionalText(node, "since"));
            case "unsubscribe" -> new Unsubscribe(topic(node));
            case "ping" -> new Ping();
            case "get_training_status" -> new GetTrainingStatus();
            default -> throw new ProtocolException("unknown_type",
                    "unknown message type \"" + type.asText() + "\"; expected one of " + TYPES);
        };
    }

    private static String topic(JsonNode node) throws ProtocolException {
        var topic = optionalText(node, "topic");
        if (topic == null) {
            topic = optionalText(node, "channel");
        }
        if (topic == null || topic.isBlank()) {
            throw new ProtocolException("missing_topic", "a " + node.path("type").asText()
                    + " message needs a \"topic\" (or \"channel\")");
        }
        return topic;
    }

    private static String optionalText(JsonNode node, String field) throws ProtocolException {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ProtocolException("invalid_field", "\"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
