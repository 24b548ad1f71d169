package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * What the Monitoring service has measured of one service (SPEC section 3).
 *
 * @param responseTime     of the last check, in milliseconds
 * @param errorRate        failed checks over all checks in the window, 0..1
 * @param uptimePercentage healthy checks over all checks, 0..100
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ServiceHealth(String serviceName, ServiceStatus status, double responseTime, Instant lastCheck,
                            double errorRate, double uptimePercentage) {
}
