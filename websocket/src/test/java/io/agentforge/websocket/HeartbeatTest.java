package io.agentforge.websocket;

import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.websocket.connection.FakeSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

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
            Thread.sleep(interval.multipliedBy(2).plusMillis(500).toMillis());

            for (var socket : sockets) {
                // Pings at their phase p < 1 s, then p + 1 s: two or three in 2.5 s, never one per tick.
                assertThat(socket.pings).hasSizeBetween(2, 3);
            }
            // When each connection was first pinged, in tenths of the interval: all at once put all 60 in one.
            var perTenth = new int[30];
            for (var socket : sockets) {
                perTenth[(int) ((socket.pings.getFirst() - start) / (interval.toNanos() / 10))]++;
            }
            assertThat(Arrays.stream(perTenth).max().orElseThrow()).isLessThan(30);
            assertThat(Arrays.stream(perTenth).filter(count -> count > 0).count()).isGreaterThan(3);
        }
    }

    @Test
    void theTickIsATenthOfTheIntervalBetween10MillisecondsAndASecond() {
        assertThat(WebSocketHub.heartbeatTick(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebSocketHub.heartbeatTick(Duration.ofMillis(2000))).isEqualTo(Duration.ofMillis(200));
        assertThat(WebSocketHub.heartbeatTick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
    }
}
