/**
 * Measured health of the services: a {@link io.agentforge.monitoring.health.HealthTarget} is a name and a probe
 * (an in-process {@code Service.health()} call or an HTTP GET of {@code /health}), and the
 * {@link io.agentforge.monitoring.health.HealthMonitor} probes every target each round, under a timeout, keeping a
 * bounded window per service. Depends only on the contracts.
 */
package io.agentforge.monitoring.health;
