package io.agentforge.websocket;

import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code /stats} figures on the service's Prometheus {@code /metrics}, beside the frame's own. */
class WebSocketMetricsTest {

    @Test
    void metricsEndpointShowsTheStatsOfOpenConnections() throws Exception {
        try (var server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus())) {
            try (var a = server.connect().subscribe("pipeline"); var b = server.connect().subscribe("admin_alerts")) {
                var metrics = get(server, "/metrics");
                assertThat(metrics).contains("websocket_active_connections{service=\"websocket\"} 2.0",
                        "websocket_topic_count{service=\"websocket\"} 2.0",
                        "websocket_total_connections{service=\"websocket\"} 2.0");
            }
            await().atMost(10, TimeUnit.SECONDS).until(() ->
                    get(server, "/metrics").contains("websocket_active_connections{service=\"websocket\"} 0.0"));
            assertThat(get(server, "/health")).contains("\"event_bus\"");
        }
    }

    private static String get(LiveServer server, String path) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(server.http(path)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
