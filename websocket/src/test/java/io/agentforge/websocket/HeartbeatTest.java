package io.agentforge.websocket;

import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.websocket.connection.FakeSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The heartbeat's schedule: every connection pinged once an interval, the connections' pings spread over it. */
class HeartbeatTest {

    @Test
    void everyConnectionIsPingedEachIntervalAndThePingsAreSpreadOverIt() throws Exception {
        var interval = Duration.ofMillis(1000);
        var settings = WebSocketSettings.defaults().withPingInterval(interval);
        var sockets = new ArrayList<FakeSocket>();
        try (var bus = new InProcessEventBus(); var hub = new WebSocketHub(settings, bus).start()) {
            var start = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                var socket = new FakeSocket();
                sockets.add(socket);
                var connection = hub.open(socket, "127.0.0.1", "test").orElseThrow();
                // Its client answers every ping at once, so it is never swept as silent.
                socket.onPing(connection::heard);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sockets.stream().allMatch(s -> s.pings.size() >= 2));

            var tenth = interval.toNanos() / 10;
            for (var socket : sockets) {
                // Once an interval, not once a tick: the second ping comes about an interval after the first.
                assertThat(socket.pings.get(1) - socket.pings.get(0)).isGreaterThan(interval.toNanos() / 2);
            }
            // When each connection was first pinged, by tenth of the interval: all at once put all 60 in one.
            var perTenth = sockets.stream().collect(Collectors.groupingBy(
                    socket -> (socket.pings.getFirst() - start) / tenth, Collectors.counting()));
            assertThat(perTenth.values()).allSatisfy(count -> assertThat(count).isLessThan(30L));
            assertThat(perTenth).hasSizeGreaterThan(3);
        }
    }

    @Test
    void theTickIsATenthOfTheIntervalBetween10MillisecondsAndASecond() {
        assertThat(WebSocketHub.heartbeatTick(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebSocketHub.heartbeatTick(Duration.ofMillis(2000))).isEqualTo(Duration.ofMillis(200));
        assertThat(WebSocketHub.heartbeatTick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
    }
}
