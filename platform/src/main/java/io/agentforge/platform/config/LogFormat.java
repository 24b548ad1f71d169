package io.agentforge.platform.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How log lines are written ({@code LOG_FORMAT}): readable text for a person at a terminal, or one JSON object per line
 * for a log collector in a container platform.
 */
public enum LogFormat {
    TEXT, JSON;

    /** The environment variable that chooses it; a worker process is started with it set. */
    public static final String VARIABLE = "LOG_FORMAT";

    /** The spelling of the variable's value, {@code text} or {@code json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code text} or {@code json}, ignoring case and surrounding blanks; empty for anything else. */
    public static Optional<LogFormat> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var value = text.trim().toLowerCase(Locale.ROOT);
        for (var format : values()) {
            if (format.id().equals(value)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
