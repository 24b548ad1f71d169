package io.agentforge.platform.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request into {@code http_server_requests_seconds} by method, route and status. The route is the matched
 * path template ({@code /jobs/{id}}), never the raw path, so that the number of series stays bounded however many ids
 * clients ask for; a request that matched no route counts as {@code unmatched}.
 */
final class RequestMetrics implements Filter {
    static final String TIMER = "http.server.requests";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final MeterRegistry registry;
    /**
     * The timers already registered, by their tags: a registry lookup builds and hashes a tagged id on every call, which
     * is a measurable share of a cheap request. Bounded like the series themselves.
     */
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record Series(String method, String route, int status) {
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        var start = System.nanoTime();
        // Recorded when the response is out, so that the status set by an error handler is the one counted.
        res.whenSent(() -> {
            var method = req.prologue().method().text();
            var series = new Series(METHODS.contains(method) ? method : "other",
                    req.matchingPattern().orElse("unmatched"), res.status().code());
            timers.computeIfAbsent(series, this::timer).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
        chain.proceed();
    }

    private Timer timer(Series series) {
        return Timer.builder(TIMER)
                .description("HTTP requests served, by method, matched route and status")
                .tag("method", series.method())
                .tag("route", series.route())
                .tag("status", String.valueOf(series.status()))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }
}
