package io.agentforge.websocket;

import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.security.Tokens;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Browsers give a WebSocket no headers of their own: the token comes as ?token=, and the Origin is checked. */
class WebSocketAccessTest {
    private static final String ALLOWED_ORIGIN = "https://forge.example.com";

    private WebSocketServer server;

    @BeforeEach
    void start() {
        server = WebSocketServer.create(WebSocketSettings.defaults(), 0, new InProcessEventBus(), List.of(),
                Tokens.settings(List.of(ALLOWED_ORIGIN))).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI ws(String query) {
        return URI.create("ws://localhost:" + server.port() + WebSocketRoutes.PATH + query);
    }

    @Test
    void aViewerTokenInTheQueryOpensTheSocket() {
        try (var client = TestClient.connect(ws("?token=" + Tokens.VIEWER_KEY))) {
            assertThat(client.next().get("type").asText()).isEqualTo("connection_established");
        }
        var jwt = Tokens.hs256("alice", "viewer", claims -> claims);
        try (var client = TestClient.connect(ws("?token=" + jwt))) {
            assertThat(client.next().get("type").asText()).isEqualTo("connection_established");
        }
    }

    @Test
    void withoutAValidTokenTheUpgradeIsRefusedWith401() {
        assertThat(handshakeStatus(ws(""), null)).isEqualTo(401);
        assertThat(handshakeStatus(ws("?token=wrong"), null)).isEqualTo(401);
        var plain = WebTestClient.of(server.port()).get(WebSocketRoutes.PATH);
        assertThat(plain.status()).isEqualTo(401);
        assertThat(plain.json().get("success").asBoolean()).isFalse();
    }

    @Test
    void aPageOfAnotherOriginIsRefusedEvenWithAValidToken() {
        assertThat(handshakeStatus(ws("?token=" + Tokens.VIEWER_KEY), "http://evil.example")).isEqualTo(403);
        try (var client = connect(ws("?token=" + Tokens.VIEWER_KEY), ALLOWED_ORIGIN)) {
            assertThat(client.next().get("type").asText()).isEqualTo("connection_established");
        }
    }

    @Test
    void theReadsOfThisServiceNeedAViewer() {
        var client = WebTestClient.of(server.port());
        assertThat(client.get("/stats").status()).isEqualTo(401);
        assertThat(client.send("GET", "/stats", Map.of("Authorization", "Bearer " + Tokens.VIEWER_KEY), null).status())
                .isEqualTo(200);
    }

    private static TestClient connect(URI uri, String origin) {
        var client = new TestClient();
        client.attach(HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", origin).buildAsync(uri, client).join());
        return client;
    }

    private static int handshakeStatus(URI uri, String origin) {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        var failure = catchThrowable(() -> builder.buildAsync(uri, new TestClient()).join());
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }
}
