package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.websocket.ConnectionInfo;
import io.agentforge.contracts.websocket.ConnectionStats;
import io.agentforge.contracts.websocket.WebSocketService;

import java.util.List;

/**
 * The WebSocket service reached over HTTP (distributed mode), through its REST routes on port 8003
 * ({@code GET /stats}, {@code GET /connections}); the sockets themselves are for browsers, not for other services.
 */
public final class RemoteWebSocketService implements WebSocketService {
    private final ServiceClient client;

    public RemoteWebSocketService(ServiceClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public HealthReport health() {
        return client.getPlain("/health", HealthReport.class);
    }

    @Override
    public ConnectionStats stats() {
        return client.get("/stats", new TypeReference<ConnectionStats>() {
        });
    }

    @Override
    public List<ConnectionInfo> connections() {
        return client.get("/connections", new TypeReference<List<ConnectionInfo>>() {
        });
    }
}
