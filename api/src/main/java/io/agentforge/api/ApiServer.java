package io.agentforge.api;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The API service's server on {@code API_SERVICE_PORT}, as the launcher starts it. The whole public API needs the
 * Training and Model services (in-process or HTTP clients) and the event bus: {@link #create(ApiServiceConfig, List,
 * TrainingService, ModelService, EventBus, List)}. {@link ApiService} is the same with its own lifecycle, for tests.
 */
public final class ApiServer {
    private ApiServer() {
    }

    /**
     * The full API. Its pipeline and progress subscriptions live as long as the bus; the launcher closes the bus
     * after the servers.
     *
     * @param dependencies checks of what the launcher handed over (database, event bus)
     * @param reportedOn   further services whose health {@code /health} reports (WebSocket, Monitoring)
     */
    public static ServiceServer create(ApiServiceConfig config, List<HealthCheck> dependencies,
                                       TrainingService training, ModelService models, EventBus bus,
                                       List<Service> reportedOn) {
        return create(config, dependencies, training, models, bus, reportedOn, ApiService.Peers.none());
    }

    /** The full API with the dashboard's peers: the WebSocket service's address and the Monitoring service. */
    public static ServiceServer create(ApiServiceConfig config, List<HealthCheck> dependencies,
                                       TrainingService training, ModelService models, EventBus bus,
                                       List<Service> reportedOn, ApiService.Peers peers) {
        return create(config, dependencies, training, models, bus, reportedOn, peers,
                SecuritySettings.local(config.corsOrigins()));
    }

    /** As the launcher starts it: with the dashboard's peers and the process's security settings. */
    public static ServiceServer create(ApiServiceConfig config, List<HealthCheck> dependencies,
                                       TrainingService training, ModelService models, EventBus bus,
                                       List<Service> reportedOn, ApiService.Peers peers, SecuritySettings security) {
        return new ApiService(config, training, models, bus, reportedOn, dependencies, peers, security).server();
    }

    /**
     * Only {@code /health} and {@code /metrics}: what the launcher can start before it hands the API its services.
     *
     * @deprecated every SPEC section 4 route needs the services; use the full {@code create}
     */
    @Deprecated
    public static ServiceServer create(ApiServiceConfig config, List<HealthCheck> dependencies) {
        return ServiceServer.builder(ServiceName.API.id())
                .port(config.port())
                .healthChecks(dependencies)
                .build();
    }
}
