package io.agentforge.bench.monitoring;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.websocket.WebSocketHub;
import io.agentforge.websocket.WebSocketRoutes;
import io.agentforge.websocket.WebSocketSettings;
import io.helidon.webserver.WebServer;

import java.net.URI;

/** The WebSocket service (its hub and {@code /ws}) on a free port, fanning out the given bus. */
final class WebSocketServiceOnBus implements AutoCloseable {
    private final WebSocketHub hub;
    private final WebServer server;

    private WebSocketServiceOnBus(WebSocketHub hub, WebServer server) {
        this.hub = hub;
        this.server = server;
    }

    static WebSocketServiceOnBus start(EventBus bus) {
        var settings = WebSocketSettings.defaults();
        var hub = new WebSocketHub(settings, bus).start();
        var routes = new WebSocketRoutes(hub, settings);
        var builder = WebServer.builder().host("127.0.0.1").port(0);
        routes.register(builder);
        builder.routing(routes::register);
        return new WebSocketServiceOnBus(hub, builder.build().start());
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + WebSocketRoutes.PATH);
    }

    @Override
    public void close() {
        hub.close();
        server.stop();
    }
}
