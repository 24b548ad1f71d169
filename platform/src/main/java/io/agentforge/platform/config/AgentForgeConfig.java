package io.agentforge.platform.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * All of Agent Forge's configuration, read once at start-up from the environment (SPEC section 2) and never changed.
 * Each service takes its own part ({@link #training()}, {@link #models()}, ...); the shared infrastructure is
 * described by {@link #redisUrl()}, {@link #databaseUrl()}, {@link #dataDir()} and {@link #serviceUrls()}.
 *
 * @param serviceName the one service this process runs when the command line names none ({@code SERVICE_NAME})
 * @param dataDir     local state, e.g. the embedded database ({@code DATA_DIR})
 * @param redisUrl    the Redis of the event bus; empty: the in-process bus
 * @param databaseUrl the PostgreSQL of the metadata; empty: the embedded database under {@code dataDir}
 */
public record AgentForgeConfig(Optional<ServiceName> serviceName, Path dataDir, Optional<String> redisUrl,
                               Optional<String> databaseUrl, ServiceUrls serviceUrls,
                               TrainingServiceConfig training, ModelServiceConfig models,
                               WebSocketServiceConfig websocket, ApiServiceConfig api,
                               MonitoringServiceConfig monitoring) {

    /**
     * Parses the environment; {@code System.getenv()} in production, a plain map in tests.
     *
     * @throws ConfigException naming every malformed variable and what it expects
     */
    public static AgentForgeConfig fromEnvironment(Map<String, String> environment) {
        return new EnvironmentParser(environment).parse();
    }

    /** The configuration of an empty environment: every default of SPEC section 2. */
    public static AgentForgeConfig defaults() {
        return fromEnvironment(Map.of());
    }

    /** The port a service listens on; 0 means any free port (tests). */
    public int port(ServiceName service) {
        return switch (service) {
            case API -> api.port();
            case TRAINING -> training.port();
            case MODELS -> models.port();
            case WEBSOCKET -> websocket.port();
            case MONITORING -> monitoring.port();
        };
    }

    /**
     * Services started in one process each need their own port; this fails fast with the variables' names instead of
     * letting the second server die on "address already in use".
     *
     * @throws ConfigException when two of the given services share a non-zero port
     */
    public void requireDistinctPorts(Collection<ServiceName> services) {
        var byPort = new LinkedHashMap<Integer, ServiceName>();
        var problems = new ArrayList<ConfigException.Problem>();
        for (var service : services) {
            var port = port(service);
            var other = port == 0 ? null : byPort.putIfAbsent(port, service);
            if (other != null) {
                problems.add(new ConfigException.Problem(portVariable(service).name(),
                        "a port other than " + portVariable(other).name() + "'s (services in one process each need their own)",
                        String.valueOf(port)));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The variable that sets a service's port, e.g. {@code MODEL_SERVICE_PORT}. */
    public static Variable portVariable(ServiceName service) {
        return switch (service) {
            case API -> Variable.API_SERVICE_PORT;
            case TRAINING -> Variable.TRAINING_SERVICE_PORT;
            case MODELS -> Variable.MODEL_SERVICE_PORT;
            case WEBSOCKET -> Variable.WEBSOCKET_SERVICE_PORT;
            case MONITORING -> Variable.MONITORING_SERVICE_PORT;
        };
    }
}
