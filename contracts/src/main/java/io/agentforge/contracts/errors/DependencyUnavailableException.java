package io.agentforge.contracts.errors;

import java.time.Duration;
import java.util.Map;

/**
 * A service this request needs is down or its circuit is open (HTTP 503 with Retry-After).
 */
public final class DependencyUnavailableException extends ServiceException {
    private final String dependency;
    private final Duration retryAfter;

    public DependencyUnavailableException(String dependency, Duration retryAfter, Throwable cause) {
        super(dependency + " is unavailable" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                cause);
        this.dependency = dependency;
        this.retryAfter = retryAfter;
    }

    public String dependency() {
        return dependency;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("dependency", dependency, "retry_after_seconds", retryAfter.toSeconds());
    }
}
