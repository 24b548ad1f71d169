package io.agentforge.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/** The {@code -o} formats: a table for people, JSON for one answer, NDJSON for streams and lists. */
public enum Output {
    TABLE, JSON, NDJSON;

    /** Prints an answer as JSON (pretty) or NDJSON (an array one element a line, anything else on one line). */
    static void print(JsonNode data, Output format, PrintStream out) {
        if (format == NDJSON) {
            if (data.isArray()) {
                data.forEach(item -> out.println(item.toString()));
            } else {
                out.println(data.toString());
            }
            return;
        }
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
