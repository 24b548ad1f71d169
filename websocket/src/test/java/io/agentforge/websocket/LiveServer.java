package io.agentforge.websocket;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.health.HealthCheck;

import java.net.URI;
import java.util.List;

/** The real WebSocket service ({@link WebSocketServer}) on a free port, over the given bus. */
public final class LiveServer implements AutoCloseable {
    final EventBus bus;
    final WebSocketHub hub;
    private final WebSocketServer server;

    private LiveServer(EventBus bus, WebSocketServer server) {
        this.bus = bus;
        this.hub = server.hub();
        this.server = server;
    }

    public static LiveServer start(WebSocketSettings settings, EventBus bus) {
        var busCheck = HealthCheck.of("event_bus", () -> new DependencyCheck(
                bus.isHealthy() ? ServiceStatus.HEALTHY : ServiceStatus.UNHEALTHY, 0, "event bus"));
        return new LiveServer(bus, WebSocketServer.create(settings, 0, bus, List.of(busCheck)).start());
    }

    int port() {
        return server.port();
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port() + WebSocketRoutes.PATH);
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    TestClient connect() {
        return TestClient.connect(ws());
    }

    @Override
    public void close() {
        server.close();
        bus.close();
    }
}
