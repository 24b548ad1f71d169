package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.Severity;

import java.util.Map;

/**
 * A condition that holds now, e.g. {@code service_down} of {@code training}. Two conditions with the same
 * {@link #key()} are the same condition, so it raises one alert for as long as it lasts.
 *
 * @param rule    the rule's name: high_cpu, high_memory, service_down, high_error_rate
 * @param service the service concerned, or {@code system} for machine-wide rules
 */
record AlertCondition(String rule, Severity severity, String service, String message,
                             Map<String, Object> metadata) {
    public AlertCondition {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public String key() {
        return rule + ":" + service;
    }
}
