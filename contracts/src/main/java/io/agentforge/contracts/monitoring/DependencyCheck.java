package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The measured state of one dependency of a service (its database, the bus, another service).
 *
 * @param responseTime how long the check took, in milliseconds
 * @param detail       what was found, e.g. the error of a failed check
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DependencyCheck(ServiceStatus status, double responseTime, String detail) {
}
