package io.agentforge.launcher.config;

import io.agentforge.api.ApiServiceConfig;
import io.agentforge.platform.config.LogFormat;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.monitoring.MonitoringServiceConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.websocket.WebSocketServiceConfig;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.security.ServiceToken;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param logFormat   text or JSON log lines ({@code LOG_FORMAT}); logback reads it itself, this validates it
 * @param security    where the servers listen and who may call them ({@code BIND_ADDRESS}, {@code API_KEYS}, ...)
 */
public record AgentForgeConfig(Optional<ServiceName> serviceName, Path dataDir, Optional<String> redisUrl,
                               Optional<String> databaseUrl, ServiceUrls serviceUrls,
                               TrainingServiceConfig training, ModelServiceConfig models,
                               WebSocketServiceConfig websocket, ApiServiceConfig api,
                               MonitoringServiceConfig monitoring, LogFormat logFormat, SecuritySettings security) {

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

    /**
     * Where a service started in another process is reached: its {@code *_SERVICE_URL}, or else this host on the
     * service's configured port, for separate processes on one machine ({@code ./agent-forge start api} next to
     * {@code ./agent-forge start training}). Empty when neither is known (no URL and port 0).
     */
    public Optional<URI> reachableUrl(ServiceName service) {
        return serviceUrls.of(service).or(() -> port(service) == 0 ? Optional.empty()
                : Optional.of(URI.create("http://localhost:" + port(service))));
    }

    /**
     * The services a process starts must reach what they call: the API calls Training and Models, Training hands its
     * models to Models. Each callee must run in the same process or be reachable (see {@link #reachableUrl}); this
     * fails fast with the variable to set instead of failing on the first request.
     *
     * @throws ConfigException naming the {@code *_SERVICE_URL} of each callee that is neither here nor reachable
     */
    public void requireReachable(Collection<ServiceName> services) {
        var problems = new ArrayList<ConfigException.Problem>();
        for (var caller : services) {
            for (var callee : callees(caller)) {
                var variable = urlVariable(callee).name();
                if (!services.contains(callee) && reachableUrl(callee).isEmpty()
                        && problems.stream().noneMatch(p -> p.variable().equals(variable))) {
                    problems.add(new ConfigException.Problem(variable, "the base URL of the " + callee.id()
                            + " service (e.g. http://" + callee.id() + ":" + defaults().port(callee) + "), which the "
                            + caller.id() + " service calls; or start both in one process", "(unset)"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * Secure by default: a process that listens on more than this machine must authenticate its callers, unless that
     * is explicitly switched off; services in several processes must be able to authenticate to each other.
     *
     * @throws ConfigException naming the variable to set
     */
    public void requireSafeExposure(Collection<ServiceName> services) {
        var problems = new ArrayList<ConfigException.Problem>();
        if (!security.boundToLoopback() && !security.enabled() && !security.authDisabled()) {
            problems.add(new ConfigException.Problem(Variable.API_KEYS.name(), "authentication configured (API_KEYS, "
                    + "JWT_HS256_SECRET or JWT_RS256_PUBLIC_KEY, and SERVICE_TOKEN) because BIND_ADDRESS is not a "
                    + "loopback address; or AUTH_DISABLED=true to run without it on a trusted network", "(unset)"));
        }
        var distributed = !services.containsAll(List.of(ServiceName.values()));
        if (security.enabled() && distributed && security.serviceToken().isEmpty()) {
            problems.add(new ConfigException.Problem(Variable.SERVICE_TOKEN.name(), "a shared secret of at least "
                    + ServiceToken.MINIMUM_LENGTH + " characters, the same in every process, because authentication is"
                    + " on and the services run in more than one process", "(unset)"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The services a service cannot work without calling (the API's health report of others is optional). */
    public static List<ServiceName> callees(ServiceName caller) {
        return switch (caller) {
            case API -> List.of(ServiceName.TRAINING, ServiceName.MODELS);
            case TRAINING -> List.of(ServiceName.MODELS);
            case MODELS, WEBSOCKET, MONITORING -> List.of();
        };
    }

    /** The variable that says where a service is reached, e.g. {@code MODEL_SERVICE_URL}; the API has none. */
    public static Variable urlVariable(ServiceName service) {
        return switch (service) {
            case TRAINING -> Variable.TRAINING_SERVICE_URL;
            case MODELS -> Variable.MODEL_SERVICE_URL;
            case WEBSOCKET -> Variable.WEBSOCKET_SERVICE_URL;
            case MONITORING -> Variable.MONITORING_SERVICE_URL;
            case API -> throw new IllegalArgumentException("nothing calls the API service; it has no *_SERVICE_URL");
        };
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
