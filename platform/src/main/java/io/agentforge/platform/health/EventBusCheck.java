package io.agentforge.platform.health;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.bus.RemoteEventBus;

/** The event bus as a health check: measured on every call, with what its being down means for this service. */
public final class EventBusCheck {
    private EventBusCheck() {
    }

    /**
     * @param whenDown    the status to report when the bus cannot deliver: degraded for a service whose requests still
     *                    work without it, unhealthy for one that is useless without it
     * @param consequence what a bus that is down costs this service, e.g. "model events are not delivered"
     */
    public static DependencyCheck check(EventBus bus, ServiceStatus whenDown, String consequence) {
        long start = System.nanoTime();
        boolean healthy = bus.isHealthy();
        double ms = (System.nanoTime() - start) / 1e6;
        int waiting = bus instanceof RemoteEventBus remote ? remote.outboxSize() : 0;
        if (healthy) {
            return new DependencyCheck(ServiceStatus.HEALTHY, ms, waiting == 0 ? "publishing"
                    : "publishing; relaying " + waiting + " events kept during an outage");
        }
        return new DependencyCheck(whenDown, ms, bus instanceof RemoteEventBus remote
                ? "cannot reach " + remote.server() + ": " + consequence + "; " + waiting
                        + " events kept in the outbox for later"
                : "cannot publish: " + consequence);
    }
}
