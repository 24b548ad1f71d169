package io.agentforge.platform.bus;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.LongAdder;

/**
 * Events published and handed to handlers by the event buses of this process, whichever implementation. Every
 * service's {@code /metrics} shows them ({@code agentforge_bus_events_published_total},
 * {@code agentforge_bus_events_delivered_total}), so {@code rate()} gives events per second. The services of one
 * process share its bus, so in the all-in-one mode each of them reports the same process-wide numbers.
 */
public final class EventBusTraffic {
    private static final LongAdder PUBLISHED = new LongAdder();
    private static final LongAdder DELIVERED = new LongAdder();

    private EventBusTraffic() {
    }

    /** Called by every bus implementation once an event is on the bus. */
    public static void published() {
        PUBLISHED.increment();
    }

    static void delivered() {
        DELIVERED.increment();
    }

    /** Registers both counters on a service's registry. */
    public static void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("agentforge_bus_events_published", PUBLISHED, LongAdder::doubleValue)
                .description("Events published on this process's event bus")
                .register(registry);
        FunctionCounter.builder("agentforge_bus_events_delivered", DELIVERED, LongAdder::doubleValue)
                .description("Events handed to a subscriber's handler by this process's event bus")
                .register(registry);
    }
}
