package io.agentforge.websocket;

import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.web.Exchange;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The web layer of the WebSocket service: the {@code /ws} endpoint and the REST routes {@code GET /stats} and
 * {@code GET /connections}. Everything else is in {@link WebSocketHub}.
 */
public final class WebSocketRoutes implements HttpService {
    public static final String PATH = "/ws";

    private final WebSocketHub hub;
    private final WebSocketSettings settings;
    private final AccessControl access;

    public WebSocketRoutes(WebSocketHub hub, WebSocketSettings settings, AccessControl access) {
        this.hub = hub;
        this.settings = settings;
        this.access = access;
    }

    /**
     * Adds {@code /ws} to a server, with frames limited to the configured size (a larger one is closed with 1009) and
     * browser origins checked by the access rules (Helidon's own check would compare the Origin with the Host header).
     */
    public void register(WebServerConfig.Builder server) {
        var config = WsConfig.builder().name("websocket").maxFrameLength(settings.maxMessageBytes()).build();
        server.addProtocol(new OriginCheckedConfig(config, access));
        server.addRouting(WsRouting.builder().endpoint(PATH, () -> new WebSocketEndpoint(hub, settings.maxMessageBytes(), access)));
    }

    /**
     * Helidon's upgrade admits an Origin its configured set {@code contains}, or, for an empty set, one that matches
     * the Host header. This set asks the access rules instead: {@code CORS_ORIGINS}, and loopback pages when the server
     * is bound to loopback.
     */
    private record OriginCheckedConfig(WsConfig config, AccessControl access) implements WsConfig {
        @Override
        public Set<String> origins() {
            return new AbstractSet<>() {
                @Override
                public boolean contains(Object origin) {
                    return origin instanceof String text && access.admitted(text);
                }

                @Override
                public Iterator<String> iterator() {
                    return access.settings().corsOrigins().iterator();
                }

                @Override
                public int size() {
                    // Never empty: an empty set would make Helidon fall back to comparing with the Host header.
                    return Math.max(1, access.settings().corsOrigins().size());
                }

                @Override
                public boolean isEmpty() {
                    return false;
                }
            };
        }

        @Override
        public String name() {
            return config.name();
        }

        @Override
        public int maxFrameLength() {
            return config.maxFrameLength();
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/stats", (req, res) -> Exchange.ok(res, hub.stats()))
                .get("/connections", (req, res) -> Exchange.ok(res, hub.connections()));
    }
}
