package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.ServiceStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeapMemoryCheckTest {

    @Test
    void reportsTheHeapInUse() {
        var result = new HeapMemoryCheck(1.0).get();

        assertThat(result.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(result.detail()).matches("heap [0-9.]+ [KMG]?B of [0-9.]+ [KMG]?B \\(\\d+%\\)");
    }

    @Test
    void heapAboveTheThresholdIsDegraded() {
        // Any live JVM uses some heap, so a threshold of zero is always exceeded.
        assertThat(new HeapMemoryCheck(0.0).get().status()).isEqualTo(ServiceStatus.DEGRADED);
    }

    @Test
    void thresholdMustBeAFraction() {
        assertThatThrownBy(() -> new HeapMemoryCheck(90)).hasMessageContaining("fraction");
    }
}
