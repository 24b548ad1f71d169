package io.agentforge.platform.web;

import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.Caller;
import io.agentforge.platform.trace.Trace;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Every request passes the {@link AccessControl} before any route runs: a refused one gets 401 or 403 in the
 * {@code ApiResponse} envelope. A call that changes something leaves one line in the {@code io.agentforge.audit} log after it ran:
 * who, what, the status and the trace id.
 */
final class AccessFilter implements Filter {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.agentforge.audit");
    private static final String BEARER = "Bearer ";

    private final AccessControl access;

    AccessFilter(AccessControl access) {
        this.access = access;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        var method = req.prologue().method().text();
        var path = req.path().path();
        var decision = access.decide(new AccessControl.Request(method, path, credential(req),
                req.headers().first(HeaderNames.ORIGIN), req.headers().first(HeaderNames.HOST)));
        switch (decision) {
            case AccessControl.Decision.Denied denied -> {
                if (denied.status() == 401) {
                    res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"));
                }
                if (AccessRules.mutating(method)) {
                    audit(req, "anonymous", method, path, denied.status());
                }
                Exchange.failure(res, Status.create(denied.status()), denied.message(), Map.of());
            }
            case AccessControl.Decision.Allowed allowed -> {
                chain.proceed();
                if (AccessRules.mutating(method)) {
                    audit(req, describe(allowed.caller()), method, path, res.status().code());
                }
            }
        }
    }

    /** {@code Authorization: Bearer}, {@code X-API-Key}, or (for the WebSocket, which browsers cannot give headers) {@code ?token=}. */
    static Optional<String> credential(ServerRequest req) {
        var authorization = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(value -> value.substring(BEARER.length()).trim());
        return authorization.or(() -> req.headers().first(HeaderNames.create("X-API-Key")))
                .or(() -> req.query().first("token").asOptional());
    }

    private static String describe(Caller caller) {
        return caller == Caller.ANONYMOUS ? "anonymous (authentication off)"
                : caller.name() + " (" + caller.role().wireName() + ")";
    }

    private static void audit(ServerRequest req, String who, String method, String path, int status) {
        AUDIT.info("who={} what=\"{} {}\" status={} trace_id={} from={}", who, method, path, status,
                Trace.current().map(trace -> trace.traceId()).orElse("-"), req.remotePeer().host());
    }
}
