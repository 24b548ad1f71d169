package io.agentforge.monitoring;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.monitoring.health.HealthTarget;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringMetersTest {
    @TempDir
    Path dataDir;

    @Test
    void prometheusScrapeShowsWhatTheLastRoundMeasured() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EventBus bus = new InProcessEventBus();
        try (var up = HealthServer.healthy(); var down = HealthServer.healthy();
             var monitoring = new Monitoring(MonitoringSettings.of(HealthServer.PATIENT,
                     new AlertThresholds(1.0, 1.0), dataDir), bus, new InMemoryAlertStore(10))) {
            down.stop();
            var client = HttpClient.newHttpClient();
            monitoring.watch(HealthTarget.http("training", up.url(), client, HealthServer.PATIENT))
                    .watch(HealthTarget.http("models", down.url(), client, HealthServer.PATIENT))
                    .bindMetrics(registry);

            monitoring.runRound();
            var scrape = registry.scrape();

            assertThat(scrape).contains("agentforge_monitored_service_up{target=\"training\"} 1.0")
                    .contains("agentforge_monitored_service_up{target=\"models\"} 0.0")
                    .contains("agentforge_monitored_service_error_rate{target=\"models\"} 1.0")
                    .contains("agentforge_alerts_active{severity=\"error\"} 1.0")
                    .contains("agentforge_alerts_active{severity=\"warning\"} 1.0")
                    .contains("agentforge_alerts_active{severity=\"critical\"} 0.0")
                    .containsPattern("agentforge_system_memory_usage 0\\.\\d+")
                    .containsPattern("agentforge_system_network_io_bytes_total\\{direction=\"received\"\\} [1-9]");
        }
    }
}
