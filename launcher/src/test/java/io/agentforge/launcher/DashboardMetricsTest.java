package io.agentforge.launcher;

import io.agentforge.contracts.Json;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard must only query metrics that the five services export, or its panels stay silently empty.
 * Checked against the real scrapes of all five, started as in the all-in-one mode.
 */
class DashboardMetricsTest {
    private static final Path DASHBOARD = Path.of("../deployment/grafana/agent-forge-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:agentforge|http_server|jvm|process|websocket)_[a-z_]+");

    @TempDir
    Path data;

    @Test
    void everyMetricTheDashboardQueriesIsOnSomeServicesScrape() throws Exception {
        var queried = new TreeSet<String>();
        for (var expr : Json.mapper().readTree(Files.readString(DASHBOARD)).findValues("expr")) {
            METRIC.matcher(expr.asText()).results().forEach(m -> queried.add(m.group()));
        }
        var config = AgentForgeConfig.fromEnvironment(Map.of(
                "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0", "CHECK_INTERVAL", "0.2",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString()));
        try (var wiring = Wiring.start(config, Wiring.allServices())) {
            for (var server : wiring.servers().values()) {
                WebTestClient.of(server).get("/health");
            }
            System.gc(); // the GC pause timer appears with the first collection

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var exported = new TreeSet<String>();
                for (var server : wiring.servers().values()) {
                    METRIC.matcher(WebTestClient.of(server).get("/metrics").body()).results()
                            .forEach(m -> exported.add(m.group()));
                }
                assertThat(exported).containsAll(queried);
            });
        }
        assertThat(queried).contains("agentforge_training_jobs", "agentforge_models", "websocket_active_connections",
                "agentforge_monitored_service_up", "agentforge_bus_events_published_total").hasSizeGreaterThan(15);
    }
}
