package io.agentforge.platform.web;

import io.agentforge.platform.trace.Trace;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Runs every request in a trace: the caller's ({@code traceparent} header, continued in a new span) or a new one. The
 * trace id is in the log MDC while the handler runs, and the response's {@code traceparent} names this request's
 * span, so that a client can quote it when reporting a problem.
 */
final class TraceFilter implements Filter {
    private static final HeaderName TRACEPARENT = HeaderNames.create(Trace.HEADER);

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        try (var ignored = Trace.resume(req.headers().first(TRACEPARENT).orElse(null), true)) {
            res.header(TRACEPARENT, Trace.current().orElseThrow().traceparent());
            chain.proceed();
        }
    }
}
