package io.agentforge.launcher;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.config.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the other processes where a service of this one listens ({@code service_announced}), at once and every
 * {@link #PERIOD}: for a service that no {@code *_SERVICE_URL} names (the API), this is how Monitoring in another
 * process finds it. The address is this host's as its own name resolves (a container's or pod's IP).
 */
final class ServiceAnnouncer implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAnnouncer.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("service-announcer").factory());
    private final EventBus bus;
    private final String service;
    private final Map<String, Object> announcement;
    private volatile boolean failing;

    private ServiceAnnouncer(EventBus bus, String service, String url) {
        this.bus = bus;
        this.service = service;
        this.announcement = Map.of("service_name", service, "url", url, "instance_id", UUID.randomUUID().toString());
    }

    static ServiceAnnouncer start(EventBus bus, ServiceName service, int port) {
        var url = "http://" + hostAddress() + ":" + port;
        var announcer = new ServiceAnnouncer(bus, service.id(), url);
        announcer.timer.scheduleAtFixedRate(announcer::announce, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("announcing {} at {} every {} s", service.id(), url, PERIOD.toSeconds());
        return announcer;
    }

    /** This host's address as its name resolves; the loopback address when the name does not resolve. */
    static String hostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }

    private void announce() {
        try {
            bus.publish(Event.of(EventTypes.SERVICE_ANNOUNCED, service, announcement));
            failing = false;
        } catch (RuntimeException e) {
            // Logged once per outage: the bus's own health check reports it meanwhile.
            if (!failing) {
                LOG.warn("could not announce {}: {}", service, e.toString());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
