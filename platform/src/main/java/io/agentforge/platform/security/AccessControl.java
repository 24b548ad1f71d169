package io.agentforge.platform.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one decision about a request, shared by the HTTP frame and the WebSocket upgrade: is its browser origin
 * allowed, does it need a credential, whose is it, and does that caller's role suffice. The origin is checked
 * against {@code CORS_ORIGINS} only; the {@code Host} header is never a reason to trust a request (a page on any
 * domain can make its browser send its own name as Host, e.g. after re-binding its DNS name to 127.0.0.1). A server
 * bound to a loopback address also admits pages from a loopback origin, which only software on this machine can
 * serve.
 */
public final class AccessControl {
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-fA-F:.]+]");
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    private final SecuritySettings settings;
    private final AccessRules.Audience audience;
    private final Credentials credentials;
    private final boolean enabled;
    private final boolean loopback;
    private final Set<String> origins;
    private final boolean anyOrigin;

    public AccessControl(SecuritySettings settings, AccessRules.Audience audience) {
        this.settings = settings;
        this.audience = audience;
        this.credentials = new Credentials(settings);
        this.enabled = settings.enabled();
        this.loopback = settings.boundToLoopback();
        this.origins = Set.copyOf(settings.corsOrigins());
        this.anyOrigin = origins.contains("*");
    }

    /** Local and open: what a server built without security settings does (tests, benchmarks). */
    public static AccessControl local(List<String> corsOrigins, AccessRules.Audience audience) {
        return new AccessControl(SecuritySettings.local(corsOrigins), audience);
    }

    public SecuritySettings settings() {
        return settings;
    }

    /** What is known about a request before it runs; absent headers are empty. */
    public record Request(String method, String path, Optional<String> credential, Optional<String> origin,
                          Optional<String> host) {
    }

    /** Go ahead as this caller, or answer with this status and message. */
    public sealed interface Decision {
        record Allowed(Caller caller) implements Decision {
        }

        record Denied(int status, String message) implements Decision {
        }
    }

    public Decision decide(Request request) {
        var origin = request.origin().filter(value -> !admitted(value));
        if (origin.isPresent()) {
            return new Decision.Denied(403, "origin " + origin.get() + " may not call this service; CORS_ORIGINS allows "
                    + settings.corsOrigins());
        }
        if (!enabled) {
            return request.host().filter(host -> loopback && !localHost(host))
                    .<Decision>map(host -> new Decision.Denied(403, "this service runs without authentication for this"
                            + " machine only; call it as localhost or by IP address, not as " + host))
                    .orElse(new Decision.Allowed(Caller.ANONYMOUS));
        }
        if (AccessRules.open(request.method(), request.path())) {
            return new Decision.Allowed(request.credential().flatMap(credentials::identify).orElse(Caller.ANONYMOUS));
        }
        if (request.credential().isEmpty()) {
            return new Decision.Denied(401, "authentication required: send Authorization: Bearer <API key or token>"
                    + " (the WebSocket also takes ?token=)");
        }
        var caller = credentials.identify(request.credential().get());
        if (caller.isEmpty()) {
            return new Decision.Denied(401, "the credential is not valid: an unknown key, or a token that is expired,"
                    + " badly signed or names no role");
        }
        var required = AccessRules.required(audience, request.method(), request.path());
        if (!caller.get().role().includes(required)) {
            return new Decision.Denied(403, required == Role.SERVICE
                    ? "only the other Agent Forge services may call this service"
                    : request.method() + " " + request.path() + " needs the " + required.wireName() + " role; "
                    + caller.get().name() + " has " + caller.get().role().wireName());
        }
        return new Decision.Allowed(caller.get());
    }

    /** Whether a browser page of this origin may call. */
    public boolean admitted(String origin) {
        if (anyOrigin || origins.contains(origin)) {
            return true;
        }
        if (!loopback) {
            return false;
        }
        try {
            var uri = new URI(origin);
            return uri.getHost() != null && uri.getPath().isEmpty()
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && loopbackName(uri.getHost());
        } catch (Exception e) {
            return false;
        }
    }

    /** Spelled as loopback; never resolved, since a DNS name can be pointed at 127.0.0.1 by anyone who owns it. */
    private static boolean loopbackName(String host) {
        var name = host.toLowerCase(Locale.ROOT);
        return LOOPBACK_NAMES.contains(name) || name.equals("::1") || name.matches("127(\\.\\d{1,3}){3}");
    }

    /** localhost, or an IP address: not a DNS name that could have been pointed at this machine by someone else. */
    private static boolean localHost(String host) {
        var name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return LOOPBACK_NAMES.contains(name.toLowerCase(Locale.ROOT)) || IP_LITERAL.matcher(name).matches();
    }
}
