package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.monitoring.fixtures.CpuBurner;
import io.agentforge.monitoring.system.SystemSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertRulesTest {
    @TempDir
    Path dataDir;

    @Test
    void highCpuHoldsWhenTheThresholdIsBelowTheMeasuredUsage() {
        var sampler = new SystemSampler(dataDir, 5);
        sampler.sample();
        CpuBurner.burn(Duration.ofMillis(500));
        var metrics = sampler.sample();

        var low = new AlertRules(new AlertThresholds(metrics.cpuUsage() / 2, 1.0)).evaluate(metrics, List.of());
        var high = new AlertRules(new AlertThresholds(1.0, 1.0)).evaluate(metrics, List.of());

        assertThat(low).singleElement().satisfies(c -> {
            assertThat(c.rule()).isEqualTo(AlertRules.HIGH_CPU);
            assertThat(c.severity()).isEqualTo(Severity.WARNING);
            assertThat(c.metadata()).containsEntry("value", metrics.cpuUsage());
        });
        assertThat(high).isEmpty();
    }

    @Test
    void highMemoryHoldsWhenTheThresholdIsBelowTheMeasuredUsage() {
        var metrics = new SystemSampler(dataDir, 5).sample();

        var conditions = new AlertRules(new AlertThresholds(1.0, metrics.memoryUsage() / 2))
                .evaluate(metrics, List.of());

        assertThat(conditions).extracting(AlertCondition::rule).containsExactly(AlertRules.HIGH_MEMORY);
        assertThat(conditions.getFirst().message()).contains("Memory usage");
    }

    @Test
    void unhealthyServiceIsDownAndAFailingOneHasAHighErrorRate() {
        var now = Instant.now();
        var services = List.of(
                new ServiceHealth("training", ServiceStatus.UNHEALTHY, 1000, now, 0.05, 95),
                new ServiceHealth("models", ServiceStatus.HEALTHY, 3, now, 0.2, 80),
                new ServiceHealth("api", ServiceStatus.DEGRADED, 3, now, 0.1, 90));

        var conditions = new AlertRules(new AlertThresholds(1.0, 1.0)).evaluate(null, services);

        assertThat(conditions).extracting(c -> c.key() + "/" + c.severity())
                .containsExactly("service_down:training/error", "high_error_rate:models/warning");
    }

    @Test
    void thresholdsOutsideZeroToOneAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new AlertThresholds(80, 0.9)).hasMessageContaining("ALERT_THRESHOLDS.cpu");
    }
}
