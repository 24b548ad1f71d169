package io.agentforge.monitoring.health;

import io.agentforge.contracts.monitoring.Service;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/** A service the monitor watches: the name it is reported under and how to probe it. */
public record HealthTarget(String name, HealthProbe probe) {
    public HealthTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
    }

    /** All-in-one mode: the service lives in this JVM and is asked directly. */
    public static HealthTarget inProcess(Service service) {
        return new HealthTarget(service.name(), service::health);
    }

    /** Distributed mode: an HTTP GET of {@code baseUrl/health}. */
    public static HealthTarget http(String name, URI baseUrl, HttpClient client, Duration timeout) {
        return new HealthTarget(name, new HttpHealthProbe(name, baseUrl, client, timeout));
    }
}
