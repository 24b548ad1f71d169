package io.agentforge.api;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.WebTestClient;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerTest {
    @TempDir
    Path storage;
    private final InProcessEventBus events = new InProcessEventBus();

    @AfterEach
    void closeBus() {
        events.close();
    }

    @Test
    void healthIsUnhealthyWhenAHandedOverDependencyIs() {
        var bus = HealthCheck.of("event_bus", () -> new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "connection refused"));
        try (var server = ApiServer.create(new ApiServiceConfig(0, List.of("http://localhost:3000")), List.of(bus),
                new JobLedger(events, Set.of()), new ModelShelf(storage), events, List.of()).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("service").asText()).isEqualTo("api");
            assertThat(health.json().get("checks").get("event_bus").get("detail").asText()).isEqualTo("connection refused");
        }
    }

    @Test
    void servesPrometheusMetrics() {
        try (var server = ApiServer.create(new ApiServiceConfig(0, List.of("http://localhost:3000")), List.of(),
                new JobLedger(events, Set.of()), new ModelShelf(storage), events, List.of()).start()) {
            var client = WebTestClient.of(server);
            assertThat(client.get("/health").status()).isEqualTo(200);

            assertThat(client.get("/metrics").body())
                    .contains("jvm_memory_used_bytes")
                    .contains("route=\"/health\",service=\"api\",status=\"200\"");
        }
    }
}
