package io.agentforge.websocket;

import io.agentforge.contracts.events.EventBus;
import io.helidon.webserver.WebServer;

import java.net.URI;

/** A real WebSocket service on a free port: the hub, its routes and a Helidon server, over the given bus. */
final class LiveServer implements AutoCloseable {
    final EventBus bus;
    final WebSocketHub hub;
    private final WebServer server;

    private LiveServer(EventBus bus, WebSocketHub hub, WebServer server) {
        this.bus = bus;
        this.hub = hub;
        this.server = server;
    }

    static LiveServer start(WebSocketSettings settings, EventBus bus) {
        var hub = new WebSocketHub(settings, bus).start();
        var routes = new WebSocketRoutes(hub, settings);
        var builder = WebServer.builder().host("127.0.0.1").port(0);
        routes.register(builder);
        builder.routing(routes::register);
        return new LiveServer(bus, hub, builder.build().start());
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
        hub.close();
        server.stop();
        bus.close();
    }
}
