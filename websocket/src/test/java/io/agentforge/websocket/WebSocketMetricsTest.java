package io.agentforge.websocket;

import io.agentforge.platform.bus.InProcessEventBus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebSocketMetricsTest {

    @Test
    void prometheusScrapeShowsTheStatsOfOpenConnections() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus())) {
            WebSocketMetrics.register(registry, server.hub);
            try (var a = server.connect().subscribe("pipeline"); var b = server.connect().subscribe("admin_alerts")) {
                var scrape = registry.scrape();
                assertThat(scrape).contains("websocket_active_connections 2.0", "websocket_topic_count 2.0",
                        "websocket_total_connections 2.0");
            }
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> registry.scrape().contains("websocket_active_connections 0.0"));
        }
    }
}
