package io.agentforge.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.monitoring.health.HealthTarget;
import io.helidon.webserver.WebServer;
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

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringRoutesTest {
    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newHttpClient();
    private final EventBus bus = new InProcessEventBus();
    private HealthServer training;
    private HealthServer models;
    private Monitoring monitoring;
    private WebServer server;

    @BeforeEach
    void startServer() {
        training = HealthServer.healthy();
        models = HealthServer.healthy();
        models.stop();
        monitoring = new Monitoring(MonitoringSettings.of(Duration.ofSeconds(1), new AlertThresholds(1.0, 1.0),
                dataDir).withCheckTimeout(HealthServer.PATIENT), bus, new InMemoryAlertStore(10));
        monitoring.watch(HealthTarget.http("training", training.url(), client, HealthServer.PATIENT))
                .watch(HealthTarget.http("models", models.url(), client, HealthServer.PATIENT));
        monitoring.runRound();
        server = WebServer.builder().port(0).host("127.0.0.1")
                .routing(routing -> routing.register(new MonitoringRoutes(monitoring))).build().start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
        monitoring.close();
        training.close();
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
        assertThat(get("/services/training/health").path("data").path("status").asText()).isEqualTo("healthy");
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
}
