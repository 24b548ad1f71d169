package io.agentforge.models;

import io.agentforge.platform.config.ModelServiceConfig;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelServerTest {
    @TempDir
    Path storage;

    @Test
    void healthReportsTheModelStorage() {
        try (var server = ModelServer.create(new ModelServiceConfig(0, storage.resolve("models"), 1024), List.of()).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("service").asText()).isEqualTo("models");
            assertThat(health.json().get("checks").get("storage").get("status").asText()).isEqualTo("healthy");
            assertThat(storage.resolve("models")).isDirectory();
        }
    }

    @Test
    void storageWithoutRoomForTheLargestArtifactIsDegradedButServes() {
        try (var server = ModelServer.create(new ModelServiceConfig(0, storage, Long.MAX_VALUE), List.of()).start()) {
            var health = WebTestClient.of(server).get("/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
        }
    }
}
