package io.agentforge.launcher.config;

import io.agentforge.contracts.Json;
import io.agentforge.monitoring.Monitoring;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.monitoring.MonitoringSettings;
import io.agentforge.monitoring.MonitoringTargets;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service wired as the launcher wires it, from environment variables, watching a service by its URL. */
class MonitoringFromConfigurationTest {
    @TempDir
    Path dataDir;

    @Test
    void environmentSetsTheIntervalTheThresholdsAndWhatIsWatched() throws Exception {
        try (var training = HealthServer.healthy(); var bus = new InProcessEventBus()) {
            var config = AgentForgeConfig.fromEnvironment(Map.of(
                    "CHECK_INTERVAL", "0.25",
                    "ALERT_THRESHOLDS", "{\"cpu\": 1.0, \"memory\": 1.0, \"error_rate\": 0.5}",
                    "MONITORING_SERVICE_PORT", "0",
                    "TRAINING_SERVICE_URL", training.url().toString(),
                    "DATA_DIR", dataDir.toString()));
            var settings = MonitoringSettings.from(config.monitoring(), config.dataDir());
            assertThat(settings.checkInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(settings.checkTimeout()).isEqualTo(Duration.ofMillis(250));
            assertThat(settings.thresholds().errorRate()).isEqualTo(0.5);

            try (var monitoring = new Monitoring(settings.withCheckTimeout(HealthServer.PATIENT), bus,
                    new InMemoryAlertStore(100));
                 var server = MonitoringServer.create(config.monitoring(), List.of(), monitoring).start()) {
                MonitoringTargets.of(config.serviceUrls().byService(), Map.of(), HealthServer.PATIENT).forEach(monitoring::watch);
                monitoring.start();

                await().atMost(Duration.ofSeconds(15)).until(() -> training.requests() >= 3);
                var body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/services/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                var services = Json.mapper().readTree(body).path("data");
                assertThat(services).hasSize(1);
                assertThat(services.get(0).path("service_name").asText()).isEqualTo("training");
                assertThat(services.get(0).path("status").asText()).isEqualTo("healthy");
            }
        }
    }
}
