package io.agentforge.monitoring.health;

import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.monitoring.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches the services that announce themselves on the bus ({@code service_announced}) because no
 * {@code *_SERVICE_URL} names them: the API, in distributed mode. A service already watched another way (in-process or
 * at its URL) is left to that. An announced service is watched at the URL it announced; when another instance of it
 * announces a different URL, the watch moves there only if the instance watched so far is not healthy, so several
 * replicas do not make its check window jump between them, and a replaced instance (a new pod, a new address) is
 * followed as soon as the old one fails.
 */
public final class AnnouncedServices {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncedServices.class);

    private final HealthMonitor monitor;
    private final HttpClient client;
    private final Duration timeout;
    /** The URL each announced service is watched at; only services watched because they announced. */
    private final Map<String, URI> watchedAt = new HashMap<>();

    public AnnouncedServices(HealthMonitor monitor, Duration timeout) {
        this.monitor = monitor;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The bus handler for {@code service_announced}; ignores (and logs) an announcement it cannot read. */
    public void onAnnouncement(EventEnvelope envelope) {
        var data = envelope.event().data();
        var name = data.get("service_name") instanceof String text && !text.isBlank() ? text : null;
        var url = data.get("url") instanceof String text ? parse(text) : null;
        if (name == null || url == null) {
            LOG.warn("ignored a service announcement without a service_name and an http(s) url: {}", data);
            return;
        }
        announced(name, url);
    }

    /** Watches {@code name} at {@code url} unless it is watched another way, or at a URL that still answers. */
    public synchronized void announced(String name, URI url) {
        var current = watchedAt.get(name);
        if (current == null && monitor.isWatched(name) || url.equals(current)) {
            return;
        }
        if (current != null && monitor.current(name).map(h -> h.status() == ServiceStatus.HEALTHY).orElse(true)) {
            return;
        }
        LOG.info("watching {} at {}, as it announced{}", name, url, current == null ? "" : " (was " + current + ")");
        watchedAt.put(name, url);
        monitor.watch(HealthTarget.http(name, url, client, timeout));
    }

    private static URI parse(String text) {
        try {
            var uri = URI.create(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
