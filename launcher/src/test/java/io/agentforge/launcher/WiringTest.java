package io.agentforge.launcher;

import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.launcher.config.ConfigException;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WiringTest {
    @TempDir
    Path data;

    private AgentForgeConfig config(Map<String, String> overrides) {
        var env = new java.util.HashMap<>(Map.of(
                "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString()));
        env.putAll(overrides);
        return AgentForgeConfig.fromEnvironment(env);
    }

    @Test
    void allFiveServicesStartInOneJvmEachOnItsOwnPortAndAnswerHealth() {
        try (var wiring = Wiring.start(config(Map.of()), Wiring.allServices())) {
            assertThat(wiring.servers()).containsOnlyKeys(ServiceName.values());
            assertThat(wiring.servers().values().stream().map(s -> s.port()).distinct()).hasSize(5);

            for (var entry : wiring.servers().entrySet()) {
                var health = WebTestClient.of(entry.getValue()).get("/health");
                assertThat(health.status()).as(entry.getKey() + " /health").isEqualTo(200);
                assertThat(health.json().get("service").asText()).isEqualTo(entry.getKey().id());
                assertThat(WebTestClient.of(entry.getValue()).get("/metrics").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void oneServiceStartsAlone() {
        try (var wiring = Wiring.start(config(Map.of()), List.of(ServiceName.MODELS))) {
            assertThat(wiring.servers()).containsOnlyKeys(ServiceName.MODELS);
            assertThat(WebTestClient.of(wiring.servers().get(ServiceName.MODELS)).get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void closeStopsEveryService() {
        var wiring = Wiring.start(config(Map.of()), Wiring.allServices());
        var servers = List.copyOf(wiring.servers().values());

        wiring.close();

        assertThat(servers).noneMatch(server -> server.isRunning());
    }

    @Test
    void portTakenStopsTheServicesAlreadyStartedAndNamesTheService() throws Exception {
        try (var taken = new ServerSocket(0)) {
            var config = config(Map.of("MONITORING_SERVICE_PORT", String.valueOf(taken.getLocalPort())));

            assertThatThrownBy(() -> Wiring.start(config, Wiring.allServices()))
                    .hasMessageStartingWith("cannot start monitoring on port " + taken.getLocalPort());
        }
    }

    @Test
    void aServiceWhoseCalleeIsNeitherHereNorAtAUrlIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> Wiring.start(config(Map.of()), List.of(ServiceName.API)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRAINING_SERVICE_URL")
                .hasMessageContaining("MODEL_SERVICE_URL");
        assertThatThrownBy(() -> Wiring.start(config(Map.of()), List.of(ServiceName.TRAINING)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MODEL_SERVICE_URL")
                .hasMessageNotContaining("TRAINING_SERVICE_URL");
    }

    @Test
    void aServiceAloneWithoutUrlsCallsTheOthersOnThisHostAtTheirConfiguredPorts() throws Exception {
        try (var models = Wiring.start(config(Map.of()), List.of(ServiceName.MODELS))) {
            var modelsPort = models.servers().get(ServiceName.MODELS).port();
            // As two terminals on one machine: ./agent-forge start models, then ./agent-forge start api.
            try (var api = Wiring.start(config(Map.of("MODEL_SERVICE_PORT", String.valueOf(modelsPort),
                    "TRAINING_SERVICE_PORT", "1")), List.of(ServiceName.API))) {
                var client = WebTestClient.of(api.servers().get(ServiceName.API));

                var listing = client.get("/models");
                assertThat(listing.status()).as(listing.body()).isEqualTo(200);
                // Nothing listens on port 1: the Training service is reported as unreachable, not hidden.
                var jobs = client.get("/jobs");
                assertThat(jobs.status()).as(jobs.body()).isEqualTo(503);
            }
        }
    }

    @Test
    void inOneJvmTheApiReachesTheOtherServicesInProcess() {
        try (var wiring = Wiring.start(config(Map.of()), Wiring.allServices())) {
            var api = WebTestClient.of(wiring.servers().get(ServiceName.API));

            // The Training service's own validation answers through the API: the field is named.
            var refused = api.post("/phases/cognate/start", "{\"parameters\": {\"max_steps\": -3}}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("max_steps");
            var models = api.get("/models");
            assertThat(models.status()).as(models.body()).isEqualTo(200);
            assertThat(api.get("/jobs").status()).isEqualTo(200);
            var health = api.get("/health").json();
            assertThat(health.get("status").asText()).isEqualTo("healthy");
        }
    }

    @Test
    void monitoringWatchesTheOtherFourInProcessAndFindsNoneDownAtStart() {
        try (var wiring = Wiring.start(config(Map.of("CHECK_INTERVAL", "0.2")), Wiring.allServices())) {
            var monitoring = WebTestClient.of(wiring.servers().get(ServiceName.MONITORING));

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> monitoring.get("/services/health").json().get("data").size() == 4);
            var watched = monitoring.get("/services/health").json().get("data");
            for (var service : watched) {
                assertThat(service.get("status").asText()).as(service.toString()).isNotEqualTo("unhealthy");
            }
            // Not even one that was raised and resolved since: the first round ran after the API listened.
            assertThat(monitoring.get("/alerts").body()).doesNotContain("service_down");
        }
    }

    @Test
    void twoServicesOnOnePortIsAConfigurationError() {
        var config = config(Map.of("API_SERVICE_PORT", "18123", "TRAINING_SERVICE_PORT", "18123"));

        assertThatThrownBy(() -> Wiring.start(config, Wiring.allServices()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRAINING_SERVICE_PORT");
    }
}
