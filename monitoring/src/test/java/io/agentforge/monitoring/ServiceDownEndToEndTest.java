package io.agentforge.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.monitoring.alert.AlertBook;
import io.agentforge.monitoring.alert.AlertRepository;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.PersistentAlertStore;
import io.agentforge.monitoring.fixtures.EventLog;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;
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

/**
 * The whole path with nothing stood in: a real service frame is stopped; the scheduled rounds find it down over HTTP;
 * the alert goes to the embedded database and onto the in-process bus and is visible on the REST API; the service is
 * started again on the same port and the alert resolves.
 */
class ServiceDownEndToEndTest {
    private static final Duration INTERVAL = Duration.ofMillis(250);

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void stoppedServiceIsAlertedOnTheBusAndTheApiAndResolvedWhenItReturns() throws Exception {
        var training = ServiceServer.builder("training").port(0).host("127.0.0.1").build().start();
        var port = training.port();
        var settings = MonitoringSettings.of(INTERVAL, new AlertThresholds(1.0, 1.0), dataDir)
                .withCheckTimeout(HealthServer.PATIENT);
        try (var database = Database.open(null, dataDir, MonitoringServer.SCHEMA);
             var bus = new InProcessEventBus();
             var events = new EventLog(bus, "*");
             var monitoring = new Monitoring(settings, bus,
                     new PersistentAlertStore(new AlertRepository(database)));
             var server = MonitoringServer.create(new MonitoringServiceConfig(0, INTERVAL,
                     new io.agentforge.monitoring.AlertThresholds(Map.of("cpu", 1.0, "memory", 1.0))),
                     List.of(), monitoring).start()) {
            monitoring.watch(HealthTarget.http("training", URI.create("http://127.0.0.1:" + port), client,
                    HealthServer.PATIENT)).start();
            await().atMost(Duration.ofSeconds(15)).until(() -> "healthy".equals(
                    get(server, "/services/training/health", true).path("data").path("status").asText()));

            training.close();

            await().atMost(Duration.ofSeconds(3)).until(() -> !downAlerts(events).isEmpty());
            var alertId = downAlerts(events).getFirst().data().get("alert_id");
            assertThat(events.ofType(EventTypes.SERVICE_HEALTH_CHANGED)).last()
                    .satisfies(e -> assertThat(e.data()).containsEntry("service", "training")
                            .containsEntry("status", "unhealthy"));
            var active = get(server, "/alerts?active=true", false).path("data");
            assertThat(active.findValuesAsText("alert_id")).contains((String) alertId);
            assertThat(get(server, "/overview", false).path("data").path("services").path("unhealthy").asInt())
                    .isEqualTo(1);

            training = ServiceServer.builder("training").port(port).host("127.0.0.1").build().start();

            await().atMost(Duration.ofSeconds(15)).until(() -> events.ofType(AlertBook.ALERT_RESOLVED).stream()
                    .anyMatch(e -> alertId.equals(e.data().get("alert_id"))));
            assertThat(get(server, "/alerts?active=false", false).path("data").findValuesAsText("alert_id"))
                    .contains((String) alertId);
            assertThat(downAlerts(events)).hasSize(1);
        } finally {
            training.close();
        }
    }

    private static List<io.agentforge.contracts.events.Event> downAlerts(EventLog events) {
        return events.ofType(EventTypes.ALERT_CREATED).stream()
                .filter(e -> e.data().get("metadata") instanceof Map<?, ?> m && "service_down".equals(m.get("rule")))
                .toList();
    }

    private JsonNode get(ServiceServer server, String path, boolean tolerateNotFound) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (!(tolerateNotFound && response.statusCode() == 404)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        return Json.mapper().readTree(response.body());
    }
}
