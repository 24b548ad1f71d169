package io.agentforge.websocket;

import io.agentforge.contracts.websocket.ConnectionInfo;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MAX_CONNECTIONS and PING_INTERVAL, observed from real clients. */
class LimitsAndLivenessTest {

    @Test
    void aConnectionOverMaxConnectionsIsClosedWith1013() throws Exception {
        var settings = WebSocketSettings.defaults().withMaxConnections(3);
        try (var server = LiveServer.start(settings, new InProcessEventBus());
             var one = server.connect(); var two = server.connect(); var three = server.connect();
             var fourth = server.connect()) {
            assertThat(fourth.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
            assertThat(one.next().path("type").asText()).isEqualTo("connection_established");
            assertThat(server.hub.stats().activeConnections()).isEqualTo(3);

            one.close();
            await().atMost(10, TimeUnit.SECONDS).until(() -> server.hub.stats().activeConnections() == 2);
            try (var fifth = server.connect()) {
                assertThat(fifth.next().path("type").asText()).isEqualTo("connection_established");
            }
        }
    }

    @Test
    void maxConnectionsComesFromTheServiceConfig() throws Exception {
        var config = new WebSocketServiceConfig(0, 1, Duration.ofSeconds(30));
        try (var server = WebSocketServer.create(config, new InProcessEventBus(), List.of()).start();
             var first = TestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))) {
            // The server has counted the first connection once it greets it; only then is the second one too many.
            assertThat(first.next().path("type").asText()).isEqualTo("connection_established");
            try (var second = TestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))) {
                assertThat(second.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
            }
        }
    }

    @Test
    void aSilentConnectionIsSweptWhileOneThatAnswersPingsStays() throws Exception {
        var settings = WebSocketSettings.defaults().withPingInterval(Duration.ofMillis(200));
        try (var server = LiveServer.start(settings, new InProcessEventBus());
             var live = server.connect();
             var dead = SilentClient.connect(server.port(), "dead-peer")) {
            var liveId = live.next().path("connection_id").asText();
            await().atMost(10, TimeUnit.SECONDS).until(() -> hasAgent(server, "dead-peer"));

            await().atMost(10, TimeUnit.SECONDS).until(() -> !hasAgent(server, "dead-peer"));

            // Several intervals later the client that answers pings (the JDK client pongs by itself) is still there.
            await().during(settings.pingInterval().multipliedBy(4)).atMost(settings.pingInterval().multipliedBy(8))
                    .untilAsserted(() -> {
                        assertThat(server.hub.connections()).extracting(ConnectionInfo::connectionId).contains(liveId);
                        assertThat(live.isOpen()).isTrue();
                    });
            assertThat(server.hub.droppedCount()).isEqualTo(1);
        }
    }

    @Test
    void aPeerThatClosesItsSocketWithoutACloseFrameIsForgottenAtOnceNotAtTheNextPing() throws Exception {
        // The default heartbeat (30 s) is far longer than the wait below: only noticing the closed socket passes.
        try (var server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus())) {
            var gone = SilentClient.connect(server.port(), "vanished-peer");
            await().atMost(10, TimeUnit.SECONDS).until(() -> hasAgent(server, "vanished-peer"));

            gone.close();

            await().atMost(5, TimeUnit.SECONDS).until(() -> !hasAgent(server, "vanished-peer"));
        }
    }

    private static boolean hasAgent(LiveServer server, String userAgent) {
        return server.hub.connections().stream().anyMatch(info -> userAgent.equals(info.userAgent()));
    }
}
