package io.agentforge.api;

import java.util.List;

/**
 * @param corsOrigins origins a browser may call the API from, e.g. {@code http://localhost:3000}; {@code *} for any
 */
public record ApiServiceConfig(int port, List<String> corsOrigins) {
    public ApiServiceConfig {
        corsOrigins = List.copyOf(corsOrigins);
    }
}
