package io.agentforge.websocket;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.websocket.ConnectionInfo;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.websocket.connection.ClientConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that stops reading costs the server a bounded outbox, then its connection; the others never wait. */
class BackPressureTest {
    private static final int OUTBOX = 512;
    private static final int EVENTS = 3000;

    @Test
    void slowClientIsDroppedWhileOthersKeepReceiving() throws Exception {
        var settings = WebSocketSettings.defaults().withOutboxCapacity(OUTBOX).withPingInterval(Duration.ofMinutes(5));
        try (var server = LiveServer.start(settings, new InProcessEventBus());
             var slow = SilentClient.connect(server.port(), "never-reads",
                     "{\"type\":\"subscribe\",\"topic\":\"training_updates\"}")) {
            var fast = new ArrayList<TestClient>();
            for (int i = 0; i < 3; i++) {
                fast.add(server.connect().subscribe("training_updates"));
            }
            var slowConnection = awaitConnection(server, "never-reads");
            await().atMost(10, TimeUnit.SECONDS).until(() -> slowConnection.isSubscribed("training_updates"));

            // 3000 events of 4 KB: 12 MB, far more than the slow client's socket buffers and outbox can hold. Paced
            // at 16 per 10 ms, so that a reading client is never anywhere near a full outbox.
            var padding = "p".repeat(4096);
            var publishedAt = new ConcurrentHashMap<Integer, Long>();
            for (int i = 0; i < EVENTS; i++) {
                if (i % 16 == 0) {
                    Thread.sleep(10);
                }
                publishedAt.put(i, System.nanoTime());
                server.bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training",
                        Map.of("job_id", "j", "step", i, "padding", padding)));
            }

            await().atMost(20, TimeUnit.SECONDS).until(() -> !slowConnection.isOpen());
            assertThat(slowConnection.outbox().highWater()).isLessThanOrEqualTo(OUTBOX);
            assertThat(slowConnection.outbox().depth()).isZero();
            assertThat(server.hub.droppedCount()).isEqualTo(1);

            for (var client : fast) {
                var lastStep = -1;
                long worstLagNanos = 0;
                while (lastStep < EVENTS - 1) {
                    var message = client.next(EventTypes.TRAINING_PROGRESS);
                    var step = message.path("data").path("step").asInt();
                    assertThat(step).isEqualTo(lastStep + 1);
                    worstLagNanos = Math.max(worstLagNanos, System.nanoTime() - publishedAt.get(step));
                    lastStep = step;
                }
                assertThat(client.isOpen()).isTrue();
                // Generous for a shared 2-core machine; a sender blocked by the slow client would stall for good.
                assertThat(Duration.ofNanos(worstLagNanos)).isLessThan(Duration.ofSeconds(10));
                client.close();
            }
            assertThat(server.hub.deepestOutbox()).isLessThanOrEqualTo(OUTBOX);
            assertThat(server.hub.droppedCount()).isEqualTo(1);
        }
    }

    private static ClientConnection awaitConnection(LiveServer server, String userAgent) {
        var found = new ArrayList<String>();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            List<String> ids = server.hub.connections().stream()
                    .filter(info -> userAgent.equals(info.userAgent())).map(ConnectionInfo::connectionId).toList();
            found.addAll(ids);
            return !ids.isEmpty();
        });
        return server.hub.connection(found.getFirst()).orElseThrow();
    }
}
