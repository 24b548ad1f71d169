package io.agentforge.websocket;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketServerTest {

    @Test
    void healthIsUnhealthyWhenAHandedOverDependencyIs() {
        var bus = HealthCheck.of("event_bus", () -> new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "connection refused"));
        try (var server = WebSocketServer.create(new WebSocketServiceConfig(0, 10, Duration.ofSeconds(30)), new InProcessEventBus(), List.of(bus)).start()) {
            var health = WebTestClient.of(server.port()).get("/health");

            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("service").asText()).isEqualTo("websocket");
            assertThat(health.json().get("checks").get("event_bus").get("detail").asText()).isEqualTo("connection refused");
        }
    }

    @Test
    void servesPrometheusMetrics() {
        try (var server = WebSocketServer.create(new WebSocketServiceConfig(0, 10, Duration.ofSeconds(30)), new InProcessEventBus(), List.of()).start()) {
            var client = WebTestClient.of(server.port());
            assertThat(client.get("/health").status()).isEqualTo(200);

            assertThat(client.get("/metrics").body())
                    .contains("jvm_memory_used_bytes")
                    .contains("route=\"/health\",service=\"websocket\",status=\"200\"");
        }
    }
}
