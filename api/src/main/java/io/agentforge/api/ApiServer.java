package io.agentforge.api;

import io.agentforge.platform.config.ApiServiceConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The API service's HTTP server on {@code API_SERVICE_PORT}: {@code /health} and {@code /metrics} for now; the public
 * REST API of SPEC section 4 arrives route by route.
 */
public final class ApiServer {
    private ApiServer() {
    }

    /**
     * @param dependencies checks of what the launcher handed over (database, event bus, the other services)
     */
    public static ServiceServer create(ApiServiceConfig config, List<HealthCheck> dependencies) {
        return ServiceServer.builder(ServiceName.API.id())
                .port(config.port())
                .healthChecks(dependencies)
                .build();
    }
}
