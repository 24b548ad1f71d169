package io.agentforge.websocket;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.api.ApiResponse;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

/**
 * The web layer of the WebSocket service: the {@code /ws} endpoint and the REST routes {@code GET /stats} and
 * {@code GET /connections}. Everything else is in {@link WebSocketHub}.
 */
public final class WebSocketRoutes {
    public static final String PATH = "/ws";

    private final WebSocketHub hub;
    private final WebSocketSettings settings;

    public WebSocketRoutes(WebSocketHub hub, WebSocketSettings settings) {
        this.hub = hub;
        this.settings = settings;
    }

    /** Adds {@code /ws} to a server, with frames limited to the configured size (a larger one is closed with 1009). */
    public void register(WebServerConfig.Builder server) {
        server.addProtocol(WsConfig.builder().name("websocket").maxFrameLength(settings.maxMessageBytes()).build());
        server.addRouting(WsRouting.builder().endpoint(PATH, () -> new WebSocketEndpoint(hub, settings.maxMessageBytes())));
    }

    public void register(HttpRouting.Builder http) {
        http.get("/stats", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.write(ApiResponse.ok(hub.stats())));
        });
        http.get("/connections", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.write(ApiResponse.ok(hub.connections())));
        });
    }
}
