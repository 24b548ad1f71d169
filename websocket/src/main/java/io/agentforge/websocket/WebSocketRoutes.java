package io.agentforge.websocket;

import io.agentforge.platform.web.Exchange;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

/**
 * The web layer of the WebSocket service: the {@code /ws} endpoint and the REST routes {@code GET /stats} and
 * {@code GET /connections}. Everything else is in {@link WebSocketHub}.
 */
public final class WebSocketRoutes implements HttpService {
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

    @Override
    public void routing(HttpRules rules) {
        rules.get("/stats", (req, res) -> Exchange.ok(res, hub.stats()))
                .get("/connections", (req, res) -> Exchange.ok(res, hub.connections()));
    }
}
