package io.agentforge.monitoring;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.monitoring.alert.AlertRules;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.InMemoryAlertStore;
import io.agentforge.monitoring.fixtures.CpuBurner;
import io.agentforge.monitoring.fixtures.EventLog;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.monitoring.fixtures.HealthServer.Answer;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.monitoring.health.HealthTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MonitoringTest {
    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration TIMEOUT = HealthServer.PATIENT;

    @TempDir
    Path dataDir;

    private final EventBus bus = new InProcessEventBus();
    private final EventLog events = new EventLog(bus, "*");
    private final HttpClient client = HttpClient.newHttpClient();
    private Monitoring monitoring;

    private Monitoring monitoring(AlertThresholds thresholds) {
        monitoring = new Monitoring(MonitoringSettings.of(INTERVAL, thresholds, dataDir).withCheckTimeout(TIMEOUT),
                bus, new InMemoryAlertStore(100));
        return monitoring;
    }

    private HealthTarget http(String name, HealthServer server) {
        return HealthTarget.http(name, server.url(), client, TIMEOUT);
    }

    private List<Alert> active(String rule) {
        return monitoring.alerts(true).stream().filter(a -> rule.equals(a.metadata().get("rule"))).toList();
    }

    private List<io.agentforge.contracts.events.Event> created(String rule) {
        return events.ofType(EventTypes.ALERT_CREATED).stream()
                .filter(e -> e.data().get("metadata") instanceof java.util.Map<?, ?> m && rule.equals(m.get("rule")))
                .toList();
    }

    @AfterEach
    void tearDown() {
        if (monitoring != null) {
            monitoring.close();
        }
    }

    @Test
    void stoppedServiceRaisesOneServiceDownAlertThatResolvesWhenItIsBack() {
        try (var server = HealthServer.healthy()) {
            monitoring(new AlertThresholds(1.0, 1.0)).watch(http("training", server)).start();
            await().atMost(Duration.ofSeconds(5)).until(() -> monitoring.servicesHealth().stream()
                    .anyMatch(h -> h.status() == ServiceStatus.HEALTHY));
            assertThat(monitoring.alerts(null)).isEmpty();

            server.stop();
            await().atMost(Duration.ofSeconds(3)).until(() -> active(AlertRules.SERVICE_DOWN).size() == 1);
            var alert = active(AlertRules.SERVICE_DOWN).getFirst();
            assertThat(alert.service()).isEqualTo("training");
            await().untilAsserted(() -> assertThat(created(AlertRules.SERVICE_DOWN)).singleElement()
                    .satisfies(e -> assertThat(e.data()).containsEntry("alert_id", alert.alertId())));

            // Several more rounds while it stays down: still the one alert.
            var roundsSoFar = events.ofType(EventTypes.SYSTEM_METRICS).size();
            await().atMost(Duration.ofSeconds(3)).until(() -> events.ofType(EventTypes.SYSTEM_METRICS).size()
                    >= roundsSoFar + 4);
            assertThat(active(AlertRules.SERVICE_DOWN)).containsExactly(alert);

            server.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> active(AlertRules.SERVICE_DOWN).isEmpty());
            assertThat(monitoring.alerts(false)).extracting(Alert::alertId).containsExactly(alert.alertId());
            assertThat(created(AlertRules.SERVICE_DOWN)).hasSize(1);
        }
    }

    @Test
    void serviceThatFailsSomeOfItsChecksRaisesOneHighErrorRateAlert() {
        try (var server = new HealthServer(n -> n % 3 == 0 ? Answer.error() : Answer.healthy())) {
            monitoring(new AlertThresholds(1.0, 1.0)).watch(http("api", server));

            for (int i = 0; i < 10; i++) {
                monitoring.runRound();
            }

            assertThat(active(AlertRules.HIGH_ERROR_RATE)).singleElement().satisfies(a -> {
                assertThat(a.service()).isEqualTo("api");
                // Raised at the first failure (1 of 3 checks), and not again while the rate stays above 0.1.
                assertThat((Double) a.metadata().get("value")).isEqualTo(1.0 / 3);
            });
            events.await(EventTypes.ALERT_CREATED, 1);
            assertThat(created(AlertRules.HIGH_ERROR_RATE)).hasSize(1);
            assertThat(monitoring.servicesHealth().getFirst().errorRate()).isEqualTo(0.3);
        }
    }

    @Test
    void thresholdsBelowCurrentUsageRaiseHighCpuAndHighMemoryOnce() {
        monitoring(new AlertThresholds(0.0, 0.0));

        for (int i = 0; i < 3; i++) {
            CpuBurner.burn(Duration.ofMillis(200));
            monitoring.runRound();
        }

        assertThat(active(AlertRules.HIGH_CPU)).hasSize(1);
        assertThat(active(AlertRules.HIGH_MEMORY)).hasSize(1);
        assertThat(events.await(EventTypes.ALERT_CREATED, 2)).hasSize(2);
        assertThat(events.await(EventTypes.SYSTEM_METRICS, 3)).hasSize(3).last()
                .satisfies(e -> assertThat(e.data().get("metrics")).asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKeys("cpu_usage",
                        "memory_usage", "disk_usage", "network_io", "timestamp"));
        assertThat(monitoring.systemHistory()).hasSize(3);
    }

    @Test
    void overviewCountsServicesAndAlertsFromTheLastRound() {
        try (var up = HealthServer.healthy(); var down = HealthServer.healthy()) {
            down.stop();
            monitoring(new AlertThresholds(1.0, 1.0)).watch(http("training", up)).watch(http("models", down));

            monitoring.runRound();
            var overview = monitoring.overview();

            assertThat(overview.overallStatus()).isEqualTo(ServiceStatus.DEGRADED);
            assertThat(overview.services()).isEqualTo(new Overview.ServiceCounts(2, 1, 0, 1));
            // models is down (error) and, having failed its only check, fails 100% of them (warning).
            assertThat(overview.alerts()).isEqualTo(new Overview.AlertCounts(2, 2, 1, 1));
            assertThat(overview.serviceHealth()).extracting(ServiceHealth::serviceName).containsExactly("training", "models");
            assertThat(overview.lastUpdated()).isNotNull();
            assertThat(overview.systemMetrics()).isNotNull();
        }
    }

    @Test
    void ownHealthIsHealthyWhileRoundsRun() {
        monitoring(new AlertThresholds(1.0, 1.0)).start();

        await().atMost(Duration.ofSeconds(3)).until(() -> monitoring.overview().lastUpdated() != null);

        var report = monitoring.health();
        assertThat(report.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(report.checks()).containsKeys("event_bus", "check_rounds");
    }

    @Test
    void aServiceThatAnnouncesItselfIsWatchedAndFollowedToAnotherInstanceOnlyWhenItsOwnFails() {
        try (var first = HealthServer.healthy(); var second = HealthServer.healthy();
             var configured = HealthServer.healthy(); var impostor = HealthServer.healthy()) {
            monitoring(new AlertThresholds(1.0, 1.0)).watch(http("models", configured)).followAnnouncements().start();

            announce("api", first.url().toString());
            await().atMost(Duration.ofSeconds(5)).until(() -> statusOf("api") == ServiceStatus.HEALTHY);
            // A service watched another way keeps its way; malformed announcements change nothing.
            announce("models", impostor.url().toString());
            announce("api", "ftp://somewhere/");
            bus.publish(Event.of(EventTypes.SERVICE_ANNOUNCED, "api",
                    Map.of("url", second.url().toString())));
            // A second instance announcing while the first answers does not move the watch.
            announce("api", second.url().toString());
            var firstRequests = first.requests();
            await().atMost(Duration.ofSeconds(5)).until(() -> first.requests() >= firstRequests + 3);
            assertThat(second.requests()).isZero();
            assertThat(impostor.requests()).isZero();
            assertThat(monitoring.servicesHealth()).extracting(ServiceHealth::serviceName)
                    .containsExactlyInAnyOrder("models", "api");

            first.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> active(AlertRules.SERVICE_DOWN).size() == 1);
            announce("api", second.url().toString());
            await().atMost(Duration.ofSeconds(5)).until(() -> statusOf("api") == ServiceStatus.HEALTHY);
            assertThat(second.requests()).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> active(AlertRules.SERVICE_DOWN).isEmpty());
        }
    }

    private void announce(String service, String url) {
        bus.publish(Event.of(EventTypes.SERVICE_ANNOUNCED, service,
                Map.of("service_name", service, "url", url, "instance_id", url)));
    }

    private ServiceStatus statusOf(String service) {
        return monitoring.servicesHealth().stream().filter(h -> h.serviceName().equals(service))
                .map(ServiceHealth::status).findFirst().orElse(null);
    }
}
