package io.agentforge.launcher;

import io.agentforge.api.ApiServer;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.models.ModelServer;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.platform.bus.EventBuses;
import io.agentforge.platform.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.training.TrainingServer;
import io.agentforge.websocket.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The object graph of one Agent Forge process, built top to bottom with constructors: first the infrastructure every
 * service in this JVM shares, then the services on their ports. Closing it stops everything in reverse order.
 */
public final class Wiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private final Map<ServiceName, ServiceServer> servers;
    private final Deque<AutoCloseable> resources;

    private Wiring(Map<ServiceName, ServiceServer> servers, Deque<AutoCloseable> resources) {
        this.servers = Map.copyOf(servers);
        this.resources = resources;
    }

    /**
     * Starts the given services in this JVM. If one cannot start (e.g. its port is taken), the ones already started
     * are stopped again before the failure is thrown, so nothing is left half-running.
     *
     * @throws io.agentforge.platform.config.ConfigException when two of them are configured on the same port
     */
    public static Wiring start(AgentForgeConfig config, Collection<ServiceName> services) {
        config.requireDistinctPorts(services);
        var resources = new ArrayDeque<AutoCloseable>();
        try {
            // 1. Infrastructure shared by every service in this process. The metadata database and the event bus
            //    are opened here, registered for closing, and their checks handed to the services, e.g.
            //      var database = Database.open(config.databaseUrl().orElse(null), config.dataDir());
            //      resources.push(database);
            //      dependencies.add(HealthCheck.of("database", database::check));
            //    and the same for the bus (in-process, or Redis when config.redisUrl() is set).
            var dependencies = new ArrayList<HealthCheck>();
            // The Model service needs both already; opened only when it runs here, until every service does.
            Database database = null;
            EventBus bus = null;
            if (services.contains(ServiceName.MODELS)) {
                database = Database.open(config.databaseUrl().orElse(null), config.dataDir());
                resources.push(database);
                bus = EventBuses.create(config.redisUrl().orElse(null),
                        EventBuses.consumerName(config.serviceName().map(ServiceName::id).orElse("agent-forge")));
                resources.push(bus);
            }

            // 2. The services, each on its own port.
            var servers = new EnumMap<ServiceName, ServiceServer>(ServiceName.class);
            for (var service : services) {
                var server = switch (service) {
                    case API -> ApiServer.create(config.api(), dependencies);
                    case TRAINING -> TrainingServer.create(config.training(), config.dataDir(), dependencies);
                    case MODELS -> {
                        var registry = ModelServer.registry(config.models(), database, bus);
                        resources.push(registry);
                        yield ModelServer.create(config.models(), registry);
                    }
                    case WEBSOCKET -> WebSocketServer.create(config.websocket(), dependencies);
                    case MONITORING -> MonitoringServer.create(config.monitoring(), dependencies);
                };
                resources.push(server);
                try {
                    servers.put(service, server.start());
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot start " + service + " on port " + config.port(service)
                            + " (" + AgentForgeConfig.portVariable(service) + "): " + rootMessage(e), e);
                }
            }
            return new Wiring(servers, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The running servers, by service. */
    public Map<ServiceName, ServiceServer> servers() {
        return servers;
    }

    /** Stops the services, then the infrastructure they used; a failure to stop one does not keep the rest running. */
    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            var resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("could not close {} cleanly", resource, e);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        var root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The services of an all-in-one start. */
    public static List<ServiceName> allServices() {
        return List.of(ServiceName.values());
    }
}
