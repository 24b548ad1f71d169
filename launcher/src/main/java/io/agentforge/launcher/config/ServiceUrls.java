package io.agentforge.launcher.config;

import io.agentforge.platform.config.ServiceName;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where the other services are reached over HTTP in distributed mode ({@code *_SERVICE_URL}). A service without a URL is
 * reached in-process, which is only possible when it runs in the same JVM. The API service has no URL of its own:
 * nothing calls it but clients.
 */
public record ServiceUrls(Map<ServiceName, URI> byService) {
    public ServiceUrls {
        if (byService.containsKey(ServiceName.API)) {
            throw new IllegalArgumentException("no service calls the API service; it has no *_SERVICE_URL");
        }
        byService = Map.copyOf(byService);
    }

    /** The base URL of a service, without a trailing slash; empty when it is reached in-process. */
    public Optional<URI> of(ServiceName service) {
        return Optional.ofNullable(byService.get(service));
    }
}
