package io.agentforge.models;

import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelServerTest {
    @TempDir
    Path dir;

    @Test
    void healthReportsTheModelStorageTheDatabaseAndTheBus() {
        try (var service = RunningModelService.start(dir, null, 1024)) {
            var health = WebTestClient.of(service.server).get("/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("service").asText()).isEqualTo("models");
            assertThat(health.json().get("checks").get("storage").get("status").asText()).isEqualTo("healthy");
            assertThat(health.json().get("checks").get("database").get("status").asText()).isEqualTo("healthy");
            assertThat(health.json().get("checks").get("event_bus").get("status").asText()).isEqualTo("healthy");
            assertThat(service.storage).isDirectory();
        }
    }

    @Test
    void storageWithoutRoomForTheLargestArtifactIsDegradedButServes() {
        try (var service = RunningModelService.start(dir, null, Long.MAX_VALUE)) {
            var health = WebTestClient.of(service.server).get("/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
        }
    }
}
