package io.agentforge.monitoring;

import java.time.Duration;

/**
 * @param checkInterval time between two health checks of every service
 */
public record MonitoringServiceConfig(int port, Duration checkInterval, AlertThresholds alertThresholds) {
}
