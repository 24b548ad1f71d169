package io.agentforge.platform.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which role a request needs (SPEC section 2): reads need {@code viewer}; starting, stopping, the pipeline, chat and
 * export need {@code operator}; deletes, the pipeline reset and alert resolution need {@code admin}. The internal
 * Training and Model services serve only the other services. A few reads are open to everyone: the health report
 * (probes), the Prometheus metrics (scrapers), and the pages and documents a browser loads before it has a key.
 */
public final class AccessRules {
    /** Who a server serves. */
    public enum Audience {
        /** People (browsers, the CLI) and services: the API, WebSocket and Monitoring services. */
        PEOPLE,
        /** Only the other services of the deployment: the Training and Model services. */
        SERVICES
    }

    private static final List<String> OPEN_EXACT = List.of("/health", "/metrics", "/", "/openapi.json", "/favicon.ico");
    private static final Pattern OPEN_TREES = Pattern.compile("/(docs|dashboard|ui|webjars|static|assets)(/.*)?");
    private static final Pattern ADMIN_POSTS = Pattern.compile("/pipeline/reset|/alerts/[^/]+/resolve");

    private AccessRules() {
    }

    /** Whether anyone may make this request without a credential. */
    public static boolean open(String method, String path) {
        var verb = method.toUpperCase(Locale.ROOT);
        // A CORS preflight never carries credentials; the CORS support answers it without running a route.
        if (verb.equals("OPTIONS")) {
            return true;
        }
        return (verb.equals("GET") || verb.equals("HEAD"))
                && (OPEN_EXACT.contains(path) || OPEN_TREES.matcher(path).matches());
    }

    /** The least role that may make this request on a server for the given audience. */
    public static Role required(Audience audience, String method, String path) {
        if (audience == Audience.SERVICES) {
            return Role.SERVICE;
        }
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> Role.VIEWER;
            case "DELETE" -> Role.ADMIN;
            default -> ADMIN_POSTS.matcher(path).matches() ? Role.ADMIN
                    // The dashboard reports its own drawing latency: a page that only reads may send it.
                    : path.equals("/dashboard/latency") ? Role.VIEWER : Role.OPERATOR;
        };
    }

    /** Whether the request changes something, and so leaves an audit line. */
    public static boolean mutating(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> false;
            default -> true;
        };
    }
}
