package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Locale;

/** How a service is doing; the order is from best to worst, so the worst of several is their maximum. */
public enum ServiceStatus {
    HEALTHY, MAINTENANCE, DEGRADED, UNHEALTHY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The worse of two statuses. */
    public ServiceStatus worse(ServiceStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    @JsonCreator
    public static ServiceStatus parse(String text) {
        for (var status : values()) {
            if (status.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return status;
            }
        }
        throw new InvalidRequestException("status", "one of healthy, degraded, unhealthy, maintenance", text);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
