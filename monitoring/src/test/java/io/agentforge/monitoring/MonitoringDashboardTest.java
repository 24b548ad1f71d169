package io.agentforge.monitoring;

import io.agentforge.contracts.Json;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.config.MonitoringServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Grafana dashboard must only query metrics that exist, or its panels stay silently empty. */
class MonitoringDashboardTest {
    private static final Path DASHBOARD = Path.of("../deployment/grafana/agent-forge-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:agentforge|http_server|jvm|process)_[a-z_]+");

    @TempDir
    Path dataDir;

    @Test
    void everyMetricTheDashboardQueriesIsOnTheMonitoringServersScrape() throws Exception {
        var queried = new TreeSet<String>();
        for (var expr : Json.mapper().readTree(Files.readString(DASHBOARD)).findValues("expr")) {
            METRIC.matcher(expr.asText()).results().forEach(m -> queried.add(m.group()));
        }
        var client = HttpClient.newHttpClient();
        var settings = MonitoringSettings.of(Duration.ofSeconds(1), new AlertThresholds(0.0, 0.0), dataDir);
        try (var target = HealthServer.healthy();
             var bus = new InProcessEventBus();
             var monitoring = new Monitoring(settings, bus, new InMemoryAlertStore(10));
             var server = MonitoringServer.create(new MonitoringServiceConfig(0, Duration.ofSeconds(1),
                     new io.agentforge.platform.config.AlertThresholds(Map.of("cpu", 0.0, "memory", 0.0))),
                     List.of(), monitoring).start()) {
            monitoring.watch(HealthTarget.http("training", target.url(), client, HealthServer.PATIENT));
            monitoring.runRound();
            var base = "http://127.0.0.1:" + server.port();
            client.send(HttpRequest.newBuilder(URI.create(base + "/overview")).build(),
                    HttpResponse.BodyHandlers.discarding());
            System.gc(); // the GC pause timer appears with the first collection

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var scrape = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                var exported = new TreeSet<String>();
                METRIC.matcher(scrape).results().forEach(m -> exported.add(m.group()));
                assertThat(exported).containsAll(queried);
            });
        }
        assertThat(queried).hasSizeGreaterThan(10);
    }
}
