package io.agentforge.models;

import io.agentforge.platform.config.ModelServiceConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.DiskSpaceCheck;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The Model service's HTTP server on {@code MODEL_SERVICE_PORT}: {@code /health} and {@code /metrics} for now; the
 * model routes arrive with the model registry.
 */
public final class ModelServer {
    private ModelServer() {
    }

    /**
     * @param dependencies checks of what the launcher handed over (database, event bus)
     */
    public static ServiceServer create(ModelServiceConfig config, List<HealthCheck> dependencies) {
        return ServiceServer.builder(ServiceName.MODELS.id())
                .port(config.port())
                // Degraded when the next artifact of the largest accepted size would not fit.
                .healthCheck("storage", new DiskSpaceCheck(config.storagePath(), config.maxFileSizeBytes()))
                .healthChecks(dependencies)
                .build();
    }
}
