package io.agentforge.cli.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server answered with an error status. The message is one line: the status, the request and the server's own
 * error text (which names the field to fix), plus the details that say what to do (e.g. {@code required_phase}).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final JsonNode details;

    public ApiException(int status, String request, String error, JsonNode details) {
        super(status + " from " + request + ": " + error + hint(details));
        this.status = status;
        this.details = details;
    }

    public int status() {
        return status;
    }

    public JsonNode details() {
        return details;
    }

    private static String hint(JsonNode details) {
        if (details == null || !details.isObject()) {
            return "";
        }
        var parts = new StringBuilder();
        details.properties().forEach(field -> {
            if (field.getValue().isValueNode() || field.getValue().isArray()) {
                parts.append(parts.isEmpty() ? " (" : ", ").append(field.getKey()).append('=')
                        .append(field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString());
            }
        });
        return parts.isEmpty() ? "" : parts.append(')').toString();
    }
}
