package io.agentforge.monitoring.alert;

/**
 * When the rules fire: usages above {@code cpu} or {@code memory} (fractions 0..1, {@code ALERT_THRESHOLDS}), and a
 * service's error rate above {@code errorRate}.
 */
public record AlertThresholds(double cpu, double memory, double errorRate) {
    /** The original system's error-rate rule: more than one check in ten failing. */
    public static final double DEFAULT_ERROR_RATE = 0.1;

    public AlertThresholds {
        requireFraction("cpu", cpu);
        requireFraction("memory", memory);
        requireFraction("errorRate", errorRate);
    }

    public AlertThresholds(double cpu, double memory) {
        this(cpu, memory, DEFAULT_ERROR_RATE);
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("ALERT_THRESHOLDS." + name + " must be between 0 and 1, was " + value);
        }
    }
}
