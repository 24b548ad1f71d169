package io.agentforge.monitoring;

import io.agentforge.platform.config.MonitoringServiceConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The Monitoring service's HTTP server on {@code MONITORING_SERVICE_PORT}: the shared frame ({@code /health},
 * {@code /metrics}) plus {@link MonitoringRoutes}; the round's measurements become meters of the frame's registry.
 */
public final class MonitoringServer {
    private MonitoringServer() {
    }

    /**
     * @param dependencies checks of what the launcher handed over (database, event bus)
     * @param monitoring   the service itself; the caller starts its rounds and closes it
     */
    public static ServiceServer create(MonitoringServiceConfig config, List<HealthCheck> dependencies,
                                       Monitoring monitoring) {
        return create(config, dependencies, monitoring, SecuritySettings.local(List.of()));
    }

    /** As the launcher starts it: people read it (viewer) and resolve alerts (admin), services too. */
    public static ServiceServer create(MonitoringServiceConfig config, List<HealthCheck> dependencies,
                                       Monitoring monitoring, SecuritySettings security) {
        var server = ServiceServer.builder(ServiceName.MONITORING.id())
                .port(config.port())
                .access(new AccessControl(security, AccessRules.Audience.PEOPLE))
                .healthChecks(dependencies)
                .healthCheck("check_rounds", monitoring::roundsCheck)
                .routes(new MonitoringRoutes(monitoring))
                .build();
        monitoring.bindMetrics(server.meterRegistry());
        return server;
    }
}
