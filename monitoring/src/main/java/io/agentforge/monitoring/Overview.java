package io.agentforge.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.contracts.monitoring.SystemMetrics;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /overview} returns: one look at the whole system.
 *
 * @param lastUpdated when the last round of checks finished, null before the first
 * @param uptime      seconds since the Monitoring service started
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Overview(ServiceStatus overallStatus, ServiceCounts services, SystemMetrics systemMetrics,
                       AlertCounts alerts, List<ServiceHealth> serviceHealth, Instant lastUpdated, double uptime) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ServiceCounts(int total, int healthy, int degraded, int unhealthy) {
    }

    /**
     * @param critical open alerts that need someone now (severity error or critical)
     * @param warnings open alerts of severity warning
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AlertCounts(long total, int active, int critical, int warnings) {
    }

    static Overview of(List<ServiceHealth> services, SystemMetrics metrics, List<Alert> openAlerts, long totalAlerts,
                       Instant lastUpdated, double uptimeSeconds) {
        int healthy = 0, degraded = 0, unhealthy = 0;
        for (var health : services) {
            switch (health.status()) {
                case HEALTHY -> healthy++;
                case DEGRADED, MAINTENANCE -> degraded++;
                case UNHEALTHY -> unhealthy++;
            }
        }
        int active = 0, critical = 0, warnings = 0;
        for (var alert : openAlerts) {
            active++;
            if (alert.severity().compareTo(Severity.ERROR) >= 0) {
                critical++;
            } else if (alert.severity() == Severity.WARNING) {
                warnings++;
            }
        }
        return new Overview(overall(services.size(), healthy, unhealthy),
                new ServiceCounts(services.size(), healthy, degraded, unhealthy), metrics,
                new AlertCounts(totalAlerts, active, critical, warnings), services, lastUpdated, uptimeSeconds);
    }

    // All up: healthy. Nothing up: unhealthy. Anything in between: degraded, the system still serves in part.
    private static ServiceStatus overall(int total, int healthy, int unhealthy) {
        if (total == 0 || healthy == total) {
            return ServiceStatus.HEALTHY;
        }
        return unhealthy == total ? ServiceStatus.UNHEALTHY : ServiceStatus.DEGRADED;
    }
}
