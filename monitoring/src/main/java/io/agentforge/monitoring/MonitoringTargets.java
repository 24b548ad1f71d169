package io.agentforge.monitoring;

import io.agentforge.contracts.monitoring.Service;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.platform.config.ServiceName;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which services the Monitoring service watches, and how: over HTTP when a {@code *_SERVICE_URL} names the service
 * (distributed mode), in-process when it runs in this JVM (all-in-one), not at all otherwise. The API service has no
 * URL of its own in SPEC section 2: in distributed mode it announces its address on the bus instead, which
 * {@link io.agentforge.monitoring.health.AnnouncedServices} follows.
 */
public final class MonitoringTargets {
    private MonitoringTargets() {
    }

    /** @param urls the base URL of each service reached over HTTP ({@code *_SERVICE_URL}) */
    public static List<HealthTarget> of(Map<ServiceName, URI> urls, Map<ServiceName, ? extends Service> inProcess,
                                        Duration timeout) {
        var client = HttpClient.newBuilder().connectTimeout(timeout).build();
        var targets = new ArrayList<HealthTarget>();
        for (var service : ServiceName.values()) {
            if (service == ServiceName.MONITORING) {
                continue;
            }
            var url = urls.get(service);
            if (url != null) {
                targets.add(HealthTarget.http(service.id(), url, client, timeout));
            } else if (inProcess.containsKey(service)) {
                targets.add(HealthTarget.inProcess(inProcess.get(service)));
            }
        }
        return targets;
    }
}
