package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * What a service's {@code /health} returns: its own state, the worst of its checks, and each check.
 *
 * @param service       the service's name
 * @param uptimeSeconds since the service started
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HealthReport(String service, ServiceStatus status, Map<String, DependencyCheck> checks,
                           double uptimeSeconds, Instant timestamp) {
    public HealthReport {
        checks = checks == null ? Map.of() : Map.copyOf(checks);
    }

    /** A report taken now whose status is the worst of its checks; healthy when there are none. */
    public static HealthReport of(String service, Map<String, DependencyCheck> checks, double uptimeSeconds) {
        var status = checks.values().stream().map(DependencyCheck::status)
                .reduce(ServiceStatus.HEALTHY, ServiceStatus::worse);
        return new HealthReport(service, status, checks, uptimeSeconds, Instant.now());
    }
}
