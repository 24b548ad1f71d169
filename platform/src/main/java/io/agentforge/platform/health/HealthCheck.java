package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.DependencyCheck;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One named thing a service depends on and how to measure it now, e.g. {@code database} with
 * {@code database::check}. The check runs on every {@code /health} call; it may block (it runs on its own virtual
 * thread, under a timeout) and may throw (an exception counts as unhealthy).
 *
 * @param name  the key of this check in the health report, e.g. {@code database}, {@code event_bus}, {@code storage}
 * @param check measures the dependency and says how it is
 */
public record HealthCheck(String name, Supplier<DependencyCheck> check) {
    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a health check needs a name");
        }
    }

    public static HealthCheck of(String name, Supplier<DependencyCheck> check) {
        return new HealthCheck(name, check);
    }
}
