package io.agentforge.websocket;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.web.ServiceServer;

import java.util.List;
import java.util.Set;

/**
 * The WebSocket service as it runs: the {@link WebSocketHub} over the event bus, served on
 * {@code WEBSOCKET_SERVICE_PORT} by the shared frame ({@code /health}, {@code /metrics}) plus {@code /ws},
 * {@code /stats} and {@code /connections}, with the stats also as Prometheus gauges.
 */
public final class WebSocketServer implements AutoCloseable {
    private final WebSocketHub hub;
    private final ServiceServer server;

    private WebSocketServer(WebSocketHub hub, ServiceServer server) {
        this.hub = hub;
        this.server = server;
    }

    /**
     * @param dependencies checks of what the launcher handed over (the event bus)
     */
    public static WebSocketServer create(WebSocketServiceConfig config, EventBus bus, List<HealthCheck> dependencies) {
        return create(config, bus, dependencies, SecuritySettings.local(List.of()));
    }

    /**
     * @param browserOrigins origins of pages allowed to open {@code /ws} (the dashboard, served by the API on another
     *                       port); loopback pages are admitted anyway while the server listens on loopback
     */
    public static WebSocketServer create(WebSocketServiceConfig config, EventBus bus, List<HealthCheck> dependencies,
                                         Set<String> browserOrigins) {
        return create(config, bus, dependencies, SecuritySettings.local(List.of()).admittingAlso(browserOrigins));
    }

    /**
     * As the launcher starts it: {@code /ws} and the reads need the viewer role when authentication is on, and a
     * browser's Origin must be one the settings admit.
     */
    public static WebSocketServer create(WebSocketServiceConfig config, EventBus bus, List<HealthCheck> dependencies,
                                         SecuritySettings security) {
        return create(WebSocketSettings.from(config), config.port(), bus, dependencies, security);
    }

    /** With every limit chosen by the caller (tests and benchmarks). */
    public static WebSocketServer create(WebSocketSettings settings, int port, EventBus bus,
                                         List<HealthCheck> dependencies) {
        return create(settings, port, bus, dependencies, SecuritySettings.local(List.of()));
    }

    public static WebSocketServer create(WebSocketSettings settings, int port, EventBus bus,
                                         List<HealthCheck> dependencies, SecuritySettings security) {
        var hub = new WebSocketHub(settings, bus);
        var access = new AccessControl(security, AccessRules.Audience.PEOPLE);
        var routes = new WebSocketRoutes(hub, settings, access);
        var server = ServiceServer.builder(ServiceName.WEBSOCKET.id())
                .port(port)
                .access(access)
                .healthChecks(dependencies)
                .routes(routes)
                .extendServer(routes::register)
                .build();
        WebSocketMetrics.register(server.meterRegistry(), hub);
        return new WebSocketServer(hub, server);
    }

    /** Subscribes to the bus, starts the heartbeat and opens the port. */
    public WebSocketServer start() {
        hub.start();
        server.start();
        return this;
    }

    public int port() {
        return server.port();
    }

    /** The HTTP frame the WebSocket routes run in: {@code /health}, {@code /metrics}, the port. */
    public ServiceServer server() {
        return server;
    }

    public WebSocketHub hub() {
        return hub;
    }

    /** Closes every client connection, then the port. */
    @Override
    public void close() {
        hub.close();
        server.close();
    }
}
