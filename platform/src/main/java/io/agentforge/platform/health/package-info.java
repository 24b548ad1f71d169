/**
 * Health checks: a {@link io.agentforge.platform.health.HealthCheck} names one thing a service depends on (its
 * database, the event bus, a directory, its own JVM) and the {@link io.agentforge.platform.health.HealthChecker} runs
 * them all, for real and under a timeout, on every {@code /health} call. Used by the web frame; depends on contracts and the bus (to report events waiting in an outbox).
 */
package io.agentforge.platform.health;
