package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthCheckerTest {

    private static HealthCheck check(String name, ServiceStatus status) {
        return HealthCheck.of(name, () -> new DependencyCheck(status, 0, name + " is " + status));
    }

    /** A dependency that never answers: it waits until the checker gives up on it and interrupts it. */
    private static HealthCheck hanging(String name) {
        var never = new CountDownLatch(1);
        return HealthCheck.of(name, () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted");
            }
            return new DependencyCheck(ServiceStatus.HEALTHY, 0, "answered");
        });
    }

    @Test
    void serviceWithoutChecksIsHealthy() {
        var report = new HealthChecker("api", List.of(), Duration.ofSeconds(1)).report();

        assertThat(report.service()).isEqualTo("api");
        assertThat(report.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(report.checks()).isEmpty();
    }

    @Test
    void overallStatusIsTheWorstCheck() {
        var healthy = check("a", ServiceStatus.HEALTHY);
        var degraded = check("b", ServiceStatus.DEGRADED);
        var unhealthy = check("c", ServiceStatus.UNHEALTHY);

        assertThat(new HealthChecker("s", List.of(healthy, degraded), Duration.ofSeconds(1)).report().status())
                .isEqualTo(ServiceStatus.DEGRADED);
        assertThat(new HealthChecker("s", List.of(degraded, unhealthy, healthy), Duration.ofSeconds(1)).report().status())
                .isEqualTo(ServiceStatus.UNHEALTHY);
    }

    @Test
    void checksRunInParallelSoSlowOnesDoNotAddUp() {
        // Each check waits until all three are running at once: run one after another, the first would wait in vain
        // and fail. No wall-clock bound, so a loaded machine cannot make this flaky.
        var allRunning = new CyclicBarrier(3);
        var checks = List.of("one", "two", "three").stream().map(name -> HealthCheck.of(name, () -> {
            try {
                allRunning.await(4, TimeUnit.SECONDS);
                return new DependencyCheck(ServiceStatus.HEALTHY, 0, "met the others");
            } catch (Exception e) {
                return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "ran alone: " + e);
            }
        })).toList();

        var report = new HealthChecker("s", checks, Duration.ofSeconds(5)).report();

        assertThat(report.checks().values()).extracting(DependencyCheck::detail).containsOnly("met the others");
        assertThat(report.status()).isEqualTo(ServiceStatus.HEALTHY);
    }

    @Test
    void checkThatThrowsIsUnhealthyWithItsError() {
        var report = new HealthChecker("s", List.of(HealthCheck.of("db", () -> {
            throw new IllegalStateException("connection refused");
        })), Duration.ofSeconds(1)).report();

        assertThat(report.status()).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(report.checks().get("db").detail()).isEqualTo("IllegalStateException: connection refused");
    }

    @Test
    void checkThatReturnsNothingIsUnhealthy() {
        var report = new HealthChecker("s", List.of(HealthCheck.of("db", () -> null)), Duration.ofSeconds(1)).report();

        assertThat(report.checks().get("db").status()).isEqualTo(ServiceStatus.UNHEALTHY);
    }

    @Test
    void slowCheckIsUnhealthyAtTheTimeout() {
        var report = new HealthChecker("s", List.of(hanging("slow"), check("fast", ServiceStatus.HEALTHY)),
                Duration.ofMillis(200)).report();

        assertThat(report.checks().get("slow").status()).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(report.checks().get("slow").detail()).isEqualTo("no answer within 200 ms");
        assertThat(report.checks().get("fast").status()).isEqualTo(ServiceStatus.HEALTHY);
    }

    @Test
    void uptimeGrows() {
        var now = new AtomicLong(1_000);
        var checker = new HealthChecker("s", List.of(), Duration.ofSeconds(1), now::get);
        now.addAndGet(Duration.ofMillis(1_500).toNanos());

        assertThat(checker.report().uptimeSeconds()).isEqualTo(1.5);
        assertThat(checker.uptime()).isEqualTo(Duration.ofMillis(1_500));
    }

    @Test
    void checkNamesMustBeUnique() {
        assertThatThrownBy(() -> new HealthChecker("s", List.of(check("db", ServiceStatus.HEALTHY),
                check("db", ServiceStatus.HEALTHY)), Duration.ofSeconds(1)))
                .hasMessageContaining("db");
    }
}
