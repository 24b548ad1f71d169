package io.agentforge.contracts.monitoring;

/**
 * What every one of the five services answers, whether it runs in this JVM or behind an HTTP client.
 */
public interface Service {
    /** The service's name as used in health reports and events, e.g. {@code training}. */
    String name();

    /** A fresh, measured report of this service and its dependencies; never cached for longer than a check. */
    HealthReport health();
}
