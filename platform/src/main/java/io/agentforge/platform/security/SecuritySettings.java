package io.agentforge.platform.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The security configuration of one process, read once at start-up (SPEC section 2, "Security").
 *
 * @param bindAddress  where the servers listen ({@code BIND_ADDRESS}, 127.0.0.1 by default)
 * @param authDisabled the explicit opt-out ({@code AUTH_DISABLED=true}) for a trusted network
 * @param apiKeys      the API keys, by hash ({@code API_KEYS})
 * @param jwt          how bearer tokens are verified, when they are accepted
 * @param serviceToken what the services present to each other ({@code SERVICE_TOKEN})
 * @param corsOrigins  the browser origins allowed to call ({@code CORS_ORIGINS}); {@code *} for any
 */
public record SecuritySettings(String bindAddress, boolean authDisabled, List<ApiKey> apiKeys,
                               Optional<JwtSettings> jwt, Optional<ServiceToken> serviceToken,
                               List<String> corsOrigins) {
    public static final String LOOPBACK = "127.0.0.1";

    public SecuritySettings {
        apiKeys = List.copyOf(apiKeys);
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** A process on this machine only, without authentication: the all-in-one start on its defaults, and tests. */
    public static SecuritySettings local(List<String> corsOrigins) {
        return new SecuritySettings(LOOPBACK, false, List.of(), Optional.empty(), Optional.empty(), corsOrigins);
    }

    /**
     * The same settings, with further browser origins admitted: the pages this deployment serves itself (the
     * dashboard, under each name of this host), which {@code CORS_ORIGINS} need not list.
     */
    public SecuritySettings admittingAlso(Collection<String> origins) {
        var all = new ArrayList<>(corsOrigins);
        origins.stream().filter(origin -> !all.contains(origin)).forEach(all::add);
        return new SecuritySettings(bindAddress, authDisabled, apiKeys, jwt, serviceToken, all);
    }

    /** Whether requests must carry a credential: some credential is configured and auth is not switched off. */
    public boolean enabled() {
        return !authDisabled && (!apiKeys.isEmpty() || jwt.isPresent() || serviceToken.isPresent());
    }

    /** Whether only this machine can connect (127.0.0.0/8, ::1, localhost). */
    public boolean boundToLoopback() {
        return isLoopback(bindAddress);
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
