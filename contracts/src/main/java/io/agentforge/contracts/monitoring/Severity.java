package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Locale;

/** How urgent an alert is, from least to most. */
public enum Severity {
    INFO, WARNING, ERROR, CRITICAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity parse(String text) {
        for (var severity : values()) {
            if (severity.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return severity;
            }
        }
        throw new InvalidRequestException("severity", "one of info, warning, error, critical", text);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
