package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * Operating-system measurements (SPEC section 3); usages are fractions 0..1.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SystemMetrics(double cpuUsage, double memoryUsage, double diskUsage, NetworkIo networkIo,
                            Instant timestamp) {

    /** Network counters since boot, summed over interfaces. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NetworkIo(long bytesSent, long bytesRecv, long packetsSent, long packetsRecv) {
    }
}
