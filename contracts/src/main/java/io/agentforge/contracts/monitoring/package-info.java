/**
 * Health, system metrics and alerts, and the {@link io.agentforge.contracts.monitoring.MonitoringService} that
 * keeps them. {@link io.agentforge.contracts.monitoring.HealthReport} is what every service's {@code /health} returns.
 */
package io.agentforge.contracts.monitoring;
