package io.agentforge.websocket;

import io.agentforge.platform.web.Exchange;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

import java.util.Set;

/**
 * The web layer of the WebSocket service: the {@code /ws} endpoint and the REST routes {@code GET /stats} and
 * {@code GET /connections}. Everything else is in {@link WebSocketHub}.
 */
public final class WebSocketRoutes implements HttpService {
    public static final String PATH = "/ws";

    private final WebSocketHub hub;
    private final WebSocketSettings settings;
    private final Set<String> browserOrigins;

    public WebSocketRoutes(WebSocketHub hub, WebSocketSettings settings) {
        this(hub, settings, Set.of());
    }

    /**
     * @param browserOrigins origins whose pages may open {@code /ws} besides this service's own: Helidon refuses a
     *                       browser's handshake from any other origin with 403 (cross-site WebSocket hijacking)
     */
    public WebSocketRoutes(WebSocketHub hub, WebSocketSettings settings, Set<String> browserOrigins) {
        this.hub = hub;
        this.settings = settings;
        this.browserOrigins = Set.copyOf(browserOrigins);
    }

    /** Adds {@code /ws} to a server, with frames limited to the configured size (a larger one is closed with 1009). */
    public void register(WebServerConfig.Builder server) {
        var config = WsConfig.builder().name("websocket").maxFrameLength(settings.maxMessageBytes());
        // Listing origins turns off Helidon's same-origin default, so this service's own origin is not listed: the
        // pages that use /ws are the dashboard's, served by the API.
        config.origins(browserOrigins);
        server.addProtocol(config.build());
        server.addRouting(WsRouting.builder().endpoint(PATH, () -> new WebSocketEndpoint(hub, settings.maxMessageBytes())));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/stats", (req, res) -> Exchange.ok(res, hub.stats()))
                .get("/connections", (req, res) -> Exchange.ok(res, hub.connections()));
    }
}
