package io.agentforge.contracts.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Locale;

/** The life of a training job. {@code completed}, {@code failed} and {@code cancelled} are final. */
public enum TaskStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    @JsonCreator
    public static TaskStatus parse(String text) {
        for (var status : values()) {
            if (status.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return status;
            }
        }
        throw new InvalidRequestException("status", "one of pending, running, completed, failed, cancelled", text);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
