package io.agentforge.monitoring.health;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.monitoring.fixtures.EventLog;
import io.agentforge.monitoring.fixtures.HealthServer.Answer;
import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HealthMonitorTest {
    private static final Duration TIMEOUT = HealthServer.PATIENT;

    private final EventBus bus = new InProcessEventBus();
    private final EventLog events = new EventLog(bus, "*");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final HealthMonitor monitor = new HealthMonitor(bus, "monitoring", TIMEOUT, 10);

    @AfterEach
    void tearDown() {
        monitor.close();
        bus.close();
    }

    private HealthTarget http(String name, HealthServer server) {
        return HealthTarget.http(name, server.url(), client, TIMEOUT);
    }

    private HealthMonitor monitorWithTimeout(Duration timeout) {
        return new HealthMonitor(bus, "monitoring", timeout, 10);
    }

    @Test
    void stoppedServiceBecomesUnhealthyAndRecoversWhenStartedAgain() {
        try (var server = HealthServer.healthy()) {
            monitor.watch(http("training", server));

            assertThat(monitor.checkAll()).singleElement()
                    .satisfies(h -> assertThat(h.status()).isEqualTo(ServiceStatus.HEALTHY));
            assertThat(events.await(EventTypes.SERVICE_HEALTH_CHANGED, 0)).isEmpty();

            server.stop();
            var down = monitor.checkAll().getFirst();
            assertThat(down.status()).isEqualTo(ServiceStatus.UNHEALTHY);
            assertThat(down.errorRate()).isEqualTo(0.5);
            assertThat(down.uptimePercentage()).isEqualTo(50.0);

            server.start();
            assertThat(monitor.checkAll().getFirst().status()).isEqualTo(ServiceStatus.HEALTHY);

            var changes = events.await(EventTypes.SERVICE_HEALTH_CHANGED, 2);
            assertThat(changes).hasSize(2);
            assertThat(changes.get(0).data()).containsEntry("service", "training")
                    .containsEntry("previous_status", "healthy").containsEntry("status", "unhealthy");
            assertThat((String) changes.get(0).data().get("error")).contains("ConnectException");
            assertThat(changes.get(1).data()).containsEntry("previous_status", "unhealthy")
                    .containsEntry("status", "healthy");
        }
    }

    @Test
    void aServiceNotYetStartedIsLeftOutDuringItsGraceAndCountsOnceItAnswersOrTheGraceEnds() throws Exception {
        // The grace runs on a clock the test moves: no time passes on it while the checks run, however slow.
        var grace = Duration.ofSeconds(4);
        var now = new AtomicLong();
        try (var late = HealthServer.healthy(); var never = HealthServer.healthy();
             var monitor = new HealthMonitor(bus, "monitoring", TIMEOUT, 10, grace, now::get)) {
            late.stop();
            never.stop();
            monitor.watch(http("models", late));
            monitor.watch(http("training", never));

            var starting = monitor.checkAll();
            late.start();
            var started = monitor.checkAll();
            late.stop();
            var stopped = monitor.checkAll();

            assertThat(starting).isEmpty();
            assertThat(monitor.current()).extracting(h -> h.serviceName()).containsExactly("models");
            assertThat(started).singleElement().satisfies(h -> assertThat(h.status()).isEqualTo(ServiceStatus.HEALTHY));
            assertThat(stopped).singleElement().satisfies(h -> {
                assertThat(h.serviceName()).isEqualTo("models");
                assertThat(h.status()).as("answered once, so a failure is news even within the grace")
                        .isEqualTo(ServiceStatus.UNHEALTHY);
            });

            now.addAndGet(grace.toNanos() - 1);
            assertThat(monitor.checkAll()).as("still within the grace: only the one that answered once")
                    .extracting(h -> h.serviceName()).containsExactly("models");
            now.addAndGet(1);
            var afterGrace = monitor.checkAll();

            assertThat(afterGrace).extracting(h -> h.serviceName() + " " + h.status().wireName())
                    .containsExactly("models unhealthy", "training unhealthy");
            var changes = events.await(EventTypes.SERVICE_HEALTH_CHANGED, 2);
            assertThat(changes).extracting(e -> e.data().get("service") + " " + e.data().get("status"))
                    .containsExactly("models unhealthy", "training unhealthy");
        }
    }

    @Test
    void serviceThatDoesNotAnswerWithinTheTimeoutIsUnhealthy() {
        var timeout = Duration.ofMillis(500);
        try (var server = new HealthServer(n -> new Answer(200, "{\"status\":\"healthy\"}", 5_000));
             var monitor = monitorWithTimeout(timeout)) {
            monitor.watch(HealthTarget.http("models", server.url(), client, Duration.ofSeconds(10)));
            var started = System.nanoTime();

            var health = monitor.checkAll().getFirst();

            assertThat(health.status()).isEqualTo(ServiceStatus.UNHEALTHY);
            assertThat(health.responseTime()).isGreaterThanOrEqualTo(timeout.toMillis());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
            assertThat(events.await(EventTypes.SERVICE_HEALTH_CHANGED, 1)).singleElement()
                    .satisfies(e -> assertThat(e.data()).containsEntry("status", "unhealthy")
                            .containsEntry("previous_status", null));
        }
    }

    @Test
    void errorRateAndUptimeCountTheFailedChecksOfTheWindow() {
        try (var server = new HealthServer(n -> n % 4 == 0 ? Answer.error() : Answer.healthy())) {
            monitor.watch(http("api", server));

            for (int i = 0; i < 8; i++) {
                monitor.checkAll();
            }

            var health = monitor.current("api").orElseThrow();
            assertThat(health.errorRate()).isEqualTo(0.25);
            assertThat(health.uptimePercentage()).isEqualTo(75.0);
            assertThat(health.responseTime()).isPositive();
        }
    }

    @Test
    void windowForgetsChecksOlderThanItsSize() {
        var failing = new AtomicInteger(3);
        try (var server = new HealthServer(n -> failing.getAndDecrement() > 0 ? Answer.error() : Answer.healthy())) {
            monitor.watch(http("api", server));

            for (int i = 0; i < 13; i++) {
                monitor.checkAll();
            }

            assertThat(monitor.current("api").orElseThrow().errorRate()).isZero();
            assertThat(monitor.current("api").orElseThrow().uptimePercentage()).isEqualTo(100.0);
        }
    }

    @Test
    void reportedStatusIsTakenFromA503AndFromTheApiResponseEnvelope() {
        try (var degraded = new HealthServer(n -> Answer.status(503, "degraded"));
             var wrapped = new HealthServer(n -> new Answer(200,
                     "{\"success\":true,\"data\":{\"service\":\"websocket\",\"status\":\"maintenance\"}}", 0))) {
            monitor.watch(http("training", degraded));
            monitor.watch(http("websocket", wrapped));

            var healths = monitor.checkAll();

            assertThat(healths).extracting(h -> h.serviceName() + "=" + h.status())
                    .containsExactly("training=degraded", "websocket=maintenance");
            assertThat(healths.getFirst().errorRate()).isZero();
            assertThat(events.await(EventTypes.SERVICE_HEALTH_CHANGED, 2)).hasSize(2);
        }
    }

    @Test
    void inProcessTargetAsksTheServiceItself() {
        var calls = new AtomicInteger();
        var broken = new AtomicInteger();
        var service = new Service() {
            @Override
            public String name() {
                return "training";
            }

            @Override
            public HealthReport health() {
                calls.incrementAndGet();
                if (broken.get() > 0) {
                    throw new IllegalStateException("database gone");
                }
                return new HealthReport("training", ServiceStatus.HEALTHY, Map.of(), 5, Instant.now());
            }
        };
        monitor.watch(HealthTarget.inProcess(service));

        assertThat(monitor.checkAll().getFirst().status()).isEqualTo(ServiceStatus.HEALTHY);
        broken.set(1);
        assertThat(monitor.checkAll().getFirst().status()).isEqualTo(ServiceStatus.UNHEALTHY);

        assertThat(calls).hasValue(2);
        assertThat(events.await(EventTypes.SERVICE_HEALTH_CHANGED, 1)).singleElement()
                .satisfies(e -> assertThat((String) e.data().get("error")).contains("database gone"));
    }

    @Test
    void slowServiceDoesNotDelayTheOthersBeyondTheTimeout() throws Exception {
        var timeout = Duration.ofSeconds(2);
        try (var slow = new HealthServer(n -> new Answer(200, "{\"status\":\"healthy\"}", 8_000));
             var fast = HealthServer.healthy();
             var monitor = monitorWithTimeout(timeout)) {
            monitor.watch(HealthTarget.http("slow", slow.url(), client, TIMEOUT));
            monitor.watch(HealthTarget.http("fast", fast.url(), client, TIMEOUT));
            // Warm the client and JSON reading up first: this test is about the slow service, not a cold JVM.
            http("fast", fast).probe().probe();
            var started = System.nanoTime();

            var healths = monitor.checkAll();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(1));
            assertThat(healths).extracting(h -> h.serviceName() + "=" + h.status())
                    .containsExactly("slow=unhealthy", "fast=healthy");
        }
    }
}
