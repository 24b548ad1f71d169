package io.agentforge.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.web.ServiceServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route of the Monitoring server, over real HTTP, watching a real service frame and a stopped one. */
class MonitoringRoutesTest {
    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newHttpClient();
    private final InProcessEventBus bus = new InProcessEventBus();
    private ServiceServer training;
    private HealthServer models;
    private Monitoring monitoring;
    private ServiceServer server;

    @BeforeEach
    void startServer() {
        training = ServiceServer.builder("training").port(0).host("127.0.0.1").build().start();
        models = HealthServer.healthy();
        models.stop();
        var settings = MonitoringSettings.of(Duration.ofSeconds(1), new AlertThresholds(1.0, 1.0), dataDir)
                .withCheckTimeout(HealthServer.PATIENT);
        monitoring = new Monitoring(settings, bus, new InMemoryAlertStore(10));
        monitoring.watch(HealthTarget.http("training", URI.create("http://127.0.0.1:" + training.port()), client,
                        HealthServer.PATIENT))
                .watch(HealthTarget.http("models", models.url(), client, HealthServer.PATIENT));
        server = MonitoringServer.create(new MonitoringServiceConfig(0, Duration.ofSeconds(1),
                        new io.agentforge.monitoring.AlertThresholds(Map.of("cpu", 1.0, "memory", 1.0))),
                List.of(HealthCheck.of("event_bus", () -> new DependencyCheck(
                        bus.isHealthy() ? ServiceStatus.HEALTHY : ServiceStatus.UNHEALTHY, 0, "in-process"))),
                monitoring).start();
        monitoring.runRound();
    }

    @AfterEach
    void stopServer() {
        server.close();
        monitoring.close();
        training.close();
        bus.close();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build(), 200);
    }

    private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return Json.mapper().readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void overviewHasTheShapeDashboardsRead() throws Exception {
        var body = get("/overview");

        assertThat(body.path("success").asBoolean()).isTrue();
        var data = body.path("data");
        assertThat(data.path("overall_status").asText()).isEqualTo("degraded");
        assertThat(data.path("services").toString())
                .isEqualTo("{\"total\":2,\"healthy\":1,\"degraded\":0,\"unhealthy\":1}");
        assertThat(data.path("alerts").toString())
                .isEqualTo("{\"total\":2,\"active\":2,\"critical\":1,\"warnings\":1}");
        assertThat(data.path("system_metrics").path("memory_usage").asDouble()).isStrictlyBetween(0.0, 1.0);
        assertThat(data.path("system_metrics").path("network_io").has("packets_recv")).isTrue();
        assertThat(data.path("service_health")).hasSize(2);
        assertThat(data.path("service_health").get(0).path("service_name").asText()).isEqualTo("training");
        assertThat(data.path("last_updated").asText()).endsWith("Z");
        assertThat(data.path("uptime").isNumber()).isTrue();
    }

    @Test
    void servicesHealthListsEveryWatchedServiceAsMeasured() throws Exception {
        var data = get("/services/health").path("data");

        assertThat(data).hasSize(2);
        assertThat(data.get(1).path("service_name").asText()).isEqualTo("models");
        assertThat(data.get(1).path("status").asText()).isEqualTo("unhealthy");
        assertThat(data.get(1).path("error_rate").asDouble()).isEqualTo(1.0);
        assertThat(data.get(0).path("uptime_percentage").asDouble()).isEqualTo(100.0);
        assertThat(data.get(0).path("response_time").asDouble()).isPositive();
        assertThat(get("/services/training/health").path("data").path("status").asText()).isEqualTo("healthy");
        var unknown = send(HttpRequest.newBuilder(uri("/services/nope/health")).GET().build(), 404);
        assertThat(unknown.path("success").asBoolean()).isFalse();
    }

    @Test
    void systemMetricsCarriesTheCurrentSampleAndItsHistory() throws Exception {
        monitoring.runRound();

        var data = get("/metrics/system").path("data");
        var last = get("/metrics/system?limit=1").path("data");

        assertThat(data.path("history")).hasSize(2);
        assertThat(data.path("current").path("cpu_usage").isNumber()).isTrue();
        assertThat(last.path("history")).hasSize(1);
        assertThat(last.path("history").get(0).path("timestamp").asText())
                .isEqualTo(data.path("current").path("timestamp").asText());
        send(HttpRequest.newBuilder(uri("/metrics/system?limit=-1")).GET().build(), 400);
    }

    @Test
    void alertsFilterByActiveAndResolveByHand() throws Exception {
        var active = get("/alerts?active=true").path("data");
        assertThat(active).hasSize(2);
        assertThat(get("/alerts?active=false").path("data")).isEmpty();
        var alertId = active.get(0).path("alert_id").asText();

        var resolved = send(HttpRequest.newBuilder(uri("/alerts/" + alertId + "/resolve"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 200);

        assertThat(resolved.path("data").path("resolved").asBoolean()).isTrue();
        assertThat(get("/alerts?active=false").path("data")).hasSize(1);
        assertThat(get("/alerts?active=true").path("data")).hasSize(1);
        assertThat(get("/alerts").path("data")).hasSize(2);
    }

    @Test
    void unknownAlertIsNotFoundAndAMalformedFilterIsABadRequest() throws Exception {
        var missing = send(HttpRequest.newBuilder(uri("/alerts/no-such-alert/resolve"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 404);
        var malformed = send(HttpRequest.newBuilder(uri("/alerts?active=maybe")).GET().build(), 400);

        assertThat(missing.path("success").asBoolean()).isFalse();
        assertThat(missing.path("error").asText()).contains("no-such-alert");
        assertThat(malformed.path("error").asText()).contains("active");
    }

    @Test
    void healthAndPrometheusMetricsComeFromTheSharedFrame() throws Exception {
        var health = get("/health");
        get("/overview");
        var metrics = client.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();

        assertThat(health.path("service").asText()).isEqualTo("monitoring");
        assertThat(health.path("checks").has("check_rounds")).isTrue();
        assertThat(health.path("checks").has("event_bus")).isTrue();
        assertThat(metrics).contains("agentforge_monitored_service_up{service=\"monitoring\",target=\"models\"} 0.0")
                .contains("agentforge_alerts_active{service=\"monitoring\",severity=\"error\"} 1.0")
                .contains("route=\"/overview\"").doesNotContain("route=\"unmatched\"");
    }
}
