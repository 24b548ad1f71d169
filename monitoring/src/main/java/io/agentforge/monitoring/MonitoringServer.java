package io.agentforge.monitoring;

import io.agentforge.platform.config.MonitoringServiceConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The Monitoring service's HTTP server on {@code MONITORING_SERVICE_PORT}: {@code /health} and {@code /metrics} for
 * now; the overview, service health and alert routes arrive with the monitors.
 */
public final class MonitoringServer {
    private MonitoringServer() {
    }

    /**
     * @param dependencies checks of what the launcher handed over (database, event bus)
     */
    public static ServiceServer create(MonitoringServiceConfig config, List<HealthCheck> dependencies) {
        return ServiceServer.builder(ServiceName.MONITORING.id())
                .port(config.port())
                .healthChecks(dependencies)
                .build();
    }
}
