package io.agentforge.monitoring;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The fractions (0..1) above which the Monitoring service raises an alert, by metric name ({@code cpu},
 * {@code memory}, and whatever other keys {@code ALERT_THRESHOLDS} names).
 */
public record AlertThresholds(Map<String, Double> byMetric) {
    public AlertThresholds {
        byMetric = Map.copyOf(byMetric);
        if (!byMetric.containsKey("cpu") || !byMetric.containsKey("memory")) {
            throw new IllegalArgumentException("alert thresholds need cpu and memory, got " + byMetric.keySet());
        }
    }

    /** CPU usage above which {@code high_cpu} fires. */
    public double cpu() {
        return byMetric.get("cpu");
    }

    /** Memory usage above which {@code high_memory} fires. */
    public double memory() {
        return byMetric.get("memory");
    }

    public OptionalDouble of(String metric) {
        var value = byMetric.get(metric);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
