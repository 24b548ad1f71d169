package io.agentforge.api.web;

import io.helidon.http.ForbiddenException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/**
 * Refuses a browser request from an origin outside {@code CORS_ORIGINS} with a 403 in the {@code ApiResponse}
 * envelope that names the allowed origins. Helidon's CORS support, registered right after, writes the CORS headers
 * for the admitted origins; on its own it would refuse with an empty body. The page's own origin (the docs page
 * calling this API) is always admitted, as browsers do not treat it as cross-origin.
 */
public final class OriginGate implements HttpService {
    private final Set<String> allowed;
    private final boolean any;

    public OriginGate(List<String> origins) {
        this.allowed = Set.copyOf(origins);
        this.any = origins.contains("*");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::admit);
    }

    private void admit(ServerRequest req, ServerResponse res) {
        var origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null || any || allowed.contains(origin) || origin.equals(ownOrigin(req))) {
            res.next();
            return;
        }
        throw new ForbiddenException("origin " + origin + " is not allowed to call this API; CORS_ORIGINS allows "
                + allowed);
    }

    private static String ownOrigin(ServerRequest req) {
        return req.requestedUri().scheme() + "://" + req.requestedUri().authority();
    }
}
