package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.MonitoringService;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.SystemMetrics;

import java.util.List;

/**
 * The Monitoring service reached over HTTP (distributed mode), through its REST routes on port 8004:
 * {@code GET /services/health}, {@code GET /metrics/system?limit=}, {@code GET /alerts?active=},
 * {@code POST /alerts/{id}/resolve}.
 */
public final class RemoteMonitoringService implements MonitoringService {
    private final ServiceClient client;

    public RemoteMonitoringService(ServiceClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "monitoring";
    }

    @Override
    public HealthReport health() {
        return client.getPlain("/health", HealthReport.class);
    }

    @Override
    public List<ServiceHealth> servicesHealth() {
        return client.get("/services/health", new TypeReference<List<ServiceHealth>>() {
        });
    }

    /** The latest sample; the route also returns a history, of which none is asked for here. */
    @Override
    public SystemMetrics systemMetrics() {
        return client.get("/metrics/system?limit=0", new TypeReference<SystemMetricsView>() {
        }).current();
    }

    @Override
    public List<Alert> alerts(Boolean active) {
        return client.get(Paths.query("/alerts", "active", active), new TypeReference<List<Alert>>() {
        });
    }

    /** Resolving twice leaves the alert resolved, so the call may be retried. */
    @Override
    public Alert resolve(String alertId) {
        return client.post("/alerts/" + Paths.segment(alertId) + "/resolve", null, true, new TypeReference<Alert>() {
        });
    }

    /** The body of {@code GET /metrics/system}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SystemMetricsView(SystemMetrics current, List<SystemMetrics> history) {
    }
}
