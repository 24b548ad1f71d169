package io.agentforge.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** The {@code -o} formats: a table for people, JSON for one answer, NDJSON for streams and lists. */
public enum Output {
    TABLE, JSON, NDJSON;

    /**
     * Shows one answer as the {@code -o} option asks: JSON or NDJSON through {@link #print}, or for people, which
     * {@code forPeople} writes (a table, a line), so that every command treats {@code -o} alike.
     */
    static void show(JsonNode data, Output format, PrintStream out, Consumer<PrintStream> forPeople) {
        if (format == TABLE) {
            forPeople.accept(out);
        } else {
            print(data, format, out);
        }
    }

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
