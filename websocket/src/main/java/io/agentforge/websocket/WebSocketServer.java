package io.agentforge.websocket;

import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.config.WebSocketServiceConfig;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;

/**
 * The WebSocket service's HTTP server on {@code WEBSOCKET_SERVICE_PORT}: {@code /health} and {@code /metrics} for
 * now; {@code /ws} arrives with the connection hub.
 */
public final class WebSocketServer {
    private WebSocketServer() {
    }

    /**
     * @param dependencies checks of what the launcher handed over (the event bus)
     */
    public static ServiceServer create(WebSocketServiceConfig config, List<HealthCheck> dependencies) {
        return ServiceServer.builder(ServiceName.WEBSOCKET.id())
                .port(config.port())
                .healthChecks(dependencies)
                .build();
    }
}
