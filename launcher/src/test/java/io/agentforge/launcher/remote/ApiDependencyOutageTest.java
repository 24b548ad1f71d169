package io.agentforge.launcher.remote;

import io.agentforge.api.ApiService;
import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.api.ApiServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Training service is down (its URL points at a closed port): the routes that need it answer 503 with
 * Retry-After and name it, and the API's other routes keep working.
 */
class ApiDependencyOutageTest {
    @TempDir
    Path storage;

    @Test
    void routesNeedingADownServiceAnswer503WhileTheRestWork() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var client = new ServiceClient("training", URI.create("http://localhost:" + closedPort),
                new ServiceClient.Settings(Duration.ofSeconds(1), 2, Duration.ofMillis(20), Duration.ofSeconds(7),
                        50f, 20));
        var models = new ModelShelf(storage);
        models.save("cognate-seed42", ModelPhase.COGNATE, "j1", 1000, List.of(), "abc");
        try (var bus = new InProcessEventBus();
             var api = new ApiService(new ApiServiceConfig(0, List.of()), new RemoteTrainingService(client), models,
                     bus, List.of(), List.of()).start()) {
            var http = new ApiClient(api.port());

            var jobs = http.get("/jobs");
            var start = http.post("/phases/cognate/start", "{}");
            var listing = http.get("/models");
            var health = http.get("/health");

            assertThat(jobs.status()).isEqualTo(503);
            assertThat(jobs.header("Retry-After")).isEqualTo("7");
            assertThat(jobs.json().get("error").asText()).contains("training");
            assertThat(jobs.data().get("dependency").asText()).isEqualTo("training");
            assertThat(start.status()).isEqualTo(503);
            assertThat(listing.status()).isEqualTo(200);
            assertThat(listing.data().get("total").asInt()).isEqualTo(1);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
            assertThat(health.json().get("checks").get("training").get("status").asText()).isEqualTo("degraded");
        }
    }
}
