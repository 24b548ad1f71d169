package io.agentforge.monitoring;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringServerTest {
    private static final MonitoringServiceConfig CONFIG = new MonitoringServiceConfig(0, Duration.ofSeconds(30),
            new AlertThresholds(Map.of("cpu", 0.8, "memory", 0.9)));

    @TempDir
    Path dataDir;

    private final InProcessEventBus bus = new InProcessEventBus();

    @AfterEach
    void closeBus() {
        bus.close();
    }

    private Monitoring monitoring() {
        return new Monitoring(MonitoringSettings.from(CONFIG, dataDir), bus, new InMemoryAlertStore(100));
    }

    @Test
    void healthIsUnhealthyWhenAHandedOverDependencyIs() {
        var broken = HealthCheck.of("event_bus", () -> new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "connection refused"));
        try (var monitoring = monitoring();
             var server = MonitoringServer.create(CONFIG, List.of(broken), monitoring).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("service").asText()).isEqualTo("monitoring");
            assertThat(health.json().get("checks").get("event_bus").get("detail").asText()).isEqualTo("connection refused");
        }
    }

    @Test
    void servesPrometheusMetrics() {
        try (var monitoring = monitoring();
             var server = MonitoringServer.create(CONFIG, List.of(), monitoring).start()) {
            var client = WebTestClient.of(server);
            assertThat(client.get("/health").status()).isEqualTo(200);

            assertThat(client.get("/metrics").body())
                    .contains("jvm_memory_used_bytes")
                    .contains("route=\"/health\",service=\"monitoring\",status=\"200\"");
        }
    }
}
