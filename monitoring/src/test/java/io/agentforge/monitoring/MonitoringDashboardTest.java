package io.agentforge.monitoring;

import io.agentforge.contracts.Json;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.monitoring.health.HealthTarget;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard must only query Monitoring metrics that exist, or its panels stay silently empty. */
class MonitoringDashboardTest {
    private static final Path DASHBOARD = Path.of("../deployment/grafana/agent-forge-dashboard.json");

    @TempDir
    Path dataDir;

    @Test
    void everyAgentForgeMetricTheDashboardQueriesIsExported() throws Exception {
        var queried = new TreeSet<String>();
        var names = Pattern.compile("agentforge_[a-z_]+");
        for (var expr : Json.mapper().readTree(Files.readString(DASHBOARD)).findValues("expr")) {
            names.matcher(expr.asText()).results().forEach(m -> queried.add(m.group()));
        }
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var server = HealthServer.healthy();
             var monitoring = new Monitoring(MonitoringSettings.of(HealthServer.PATIENT,
                     new AlertThresholds(0.0, 0.0), dataDir), new InProcessEventBus(), new InMemoryAlertStore(10))) {
            monitoring.watch(HealthTarget.http("training", server.url(), java.net.http.HttpClient.newHttpClient(),
                    HealthServer.PATIENT)).bindMetrics(registry);
            monitoring.runRound();
        }
        var exported = new TreeSet<String>();
        names.matcher(registry.scrape()).results().forEach(m -> exported.add(m.group()));

        assertThat(queried).hasSizeGreaterThan(5);
        assertThat(exported).containsAll(queried);
    }
}
