package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.contracts.monitoring.SystemMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The alert rules of the original system, as a pure function from measurements to the conditions that hold. The two
 * service rules are independent on purpose: a service that fails now and then flaps in and out of
 * {@code service_down}, while its {@code high_error_rate} alert, computed over the window, stays steady.
 */
public final class AlertRules {
    public static final String HIGH_CPU = "high_cpu";
    public static final String HIGH_MEMORY = "high_memory";
    public static final String SERVICE_DOWN = "service_down";
    public static final String HIGH_ERROR_RATE = "high_error_rate";
    static final String SYSTEM = "system";

    private final AlertThresholds thresholds;

    public AlertRules(AlertThresholds thresholds) {
        this.thresholds = thresholds;
    }

    public AlertThresholds thresholds() {
        return thresholds;
    }

    /** @param metrics the latest system sample, or null when none was taken */
    public List<AlertCondition> evaluate(SystemMetrics metrics, List<ServiceHealth> services) {
        var holding = new ArrayList<AlertCondition>();
        if (metrics != null) {
            if (metrics.cpuUsage() > thresholds.cpu()) {
                holding.add(usage(HIGH_CPU, "CPU", metrics.cpuUsage(), thresholds.cpu()));
            }
            if (metrics.memoryUsage() > thresholds.memory()) {
                holding.add(usage(HIGH_MEMORY, "Memory", metrics.memoryUsage(), thresholds.memory()));
            }
        }
        for (var health : services) {
            if (health.status() == ServiceStatus.UNHEALTHY) {
                holding.add(new AlertCondition(SERVICE_DOWN, Severity.ERROR, health.serviceName(),
                        "Service " + health.serviceName() + " is unhealthy",
                        Map.of("rule", SERVICE_DOWN, "status", health.status().wireName(),
                                "response_time", health.responseTime())));
            }
            if (health.errorRate() > thresholds.errorRate()) {
                holding.add(new AlertCondition(HIGH_ERROR_RATE, Severity.WARNING, health.serviceName(),
                        String.format(Locale.ROOT, "Service %s fails %.0f%% of health checks (threshold %.0f%%)",
                                health.serviceName(), 100 * health.errorRate(), 100 * thresholds.errorRate()),
                        Map.of("rule", HIGH_ERROR_RATE, "value", health.errorRate(),
                                "threshold", thresholds.errorRate())));
            }
        }
        return holding;
    }

    private static AlertCondition usage(String rule, String what, double value, double threshold) {
        return new AlertCondition(rule, Severity.WARNING, SYSTEM,
                String.format(Locale.ROOT, "%s usage %.1f%% is above %.1f%%", what, 100 * value, 100 * threshold),
                Map.of("rule", rule, "value", value, "threshold", threshold));
    }
}
