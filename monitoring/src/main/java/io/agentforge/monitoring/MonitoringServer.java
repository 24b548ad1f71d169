package io.agentforge.monitoring;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.monitoring.alert.AlertRepository;
import io.agentforge.monitoring.alert.PersistentAlertStore;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Schema;
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
    /** The table the Monitoring service owns (alerts): {@code db/monitoring}. */
    public static final Schema SCHEMA = new Schema("monitoring");

    private MonitoringServer() {
    }

    /** The service over its alerts in the database, which keeps them across restarts; the caller starts its rounds. */
    public static Monitoring monitoring(MonitoringSettings settings, EventBus bus, Database database) {
        return new Monitoring(settings, bus, new PersistentAlertStore(new AlertRepository(database)));
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
