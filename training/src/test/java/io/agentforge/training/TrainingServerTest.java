package io.agentforge.training;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingServerTest {
    private static final TrainingServiceConfig CONFIG = new TrainingServiceConfig(0, 1, Optional.empty());

    @TempDir
    Path dataDir;

    @Test
    void healthReportsTheDataDirectoryAndTheDependenciesHandedOver() {
        var database = HealthCheck.of("database", () -> new DependencyCheck(ServiceStatus.HEALTHY, 0, "ok"));
        try (var server = TrainingServer.create(CONFIG, dataDir, List.of(database)).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("service").asText()).isEqualTo("training");
            assertThat(health.json().get("checks").fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("jvm", "data_dir", "database");
            assertThat(WebTestClient.of(server).get("/metrics").body()).contains("service=\"training\"");
        }
    }

    @Test
    void unusableDataDirectoryMakesTheServiceUnhealthy() throws Exception {
        var notADirectory = Files.writeString(dataDir.resolve("file"), "x");
        try (var server = TrainingServer.create(CONFIG, notADirectory, List.of()).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("checks").get("data_dir").get("status").asText()).isEqualTo("unhealthy");
        }
    }
}
