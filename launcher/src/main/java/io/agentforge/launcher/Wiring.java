package io.agentforge.launcher;

import io.agentforge.api.ApiServer;
import io.agentforge.api.ApiService;
import io.agentforge.api.dashboard.Dashboard;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.monitoring.MonitoringService;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.launcher.bus.EventBuses;
import io.agentforge.launcher.remote.RemoteModelService;
import io.agentforge.launcher.remote.RemoteMonitoringService;
import io.agentforge.launcher.remote.RemoteTrainingService;
import io.agentforge.launcher.remote.RemoteWebSocketService;
import io.agentforge.launcher.remote.ServiceClient;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.monitoring.Monitoring;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.monitoring.MonitoringSettings;
import io.agentforge.monitoring.MonitoringTargets;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.EventBusCheck;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Schema;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import io.agentforge.websocket.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The object graph of one Agent Forge process, built top to bottom with constructors: first the infrastructure every
 * service in this JVM shares (metadata database, event bus), then the services in the order they need each other
 * (Model, Training, WebSocket, Monitoring, API). A service that runs in this JVM is reached in-process; one that runs
 * elsewhere is reached over HTTP at its {@code *_SERVICE_URL}. Closing the wiring stops everything in reverse order.
 */
public final class Wiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private final Map<ServiceName, ServiceServer> servers;
    private final Deque<AutoCloseable> resources;
    private final EventBus bus;
    private final Database database;

    private Wiring(Map<ServiceName, ServiceServer> servers, Deque<AutoCloseable> resources, EventBus bus,
                   Database database) {
        this.servers = Collections.unmodifiableMap(new EnumMap<>(servers));
        this.resources = resources;
        this.bus = bus;
        this.database = database;
    }

    /**
     * Starts the given services in this JVM. If one cannot start (e.g. its port is taken), the ones already started
     * are stopped again before the failure is thrown, so nothing is left half-running.
     *
     * @throws io.agentforge.launcher.config.ConfigException when two of them are configured on the same port, or a
     *         service they call neither runs here nor can be reached (see {@link AgentForgeConfig#requireReachable})
     */
    public static Wiring start(AgentForgeConfig config, Collection<ServiceName> services) {
        config.requireDistinctPorts(services);
        var here = services.isEmpty() ? EnumSet.noneOf(ServiceName.class) : EnumSet.copyOf(services);
        config.requireReachable(here);
        config.requireSafeExposure(here);
        var resources = new ArrayDeque<AutoCloseable>();
        try {
            return new Builder(config, here, resources).build();
        } catch (RuntimeException | LinkageError e) {
            // A missing class on a broken class path is an Error: the started servers must stop all the same.
            closeAll(resources);
            throw e;
        }
    }

    /** One start: keeps what it opened in {@code resources} (closed in reverse) as it goes. */
    private static final class Builder {
        private final AgentForgeConfig config;
        private final EnumSet<ServiceName> here;
        private final Deque<AutoCloseable> resources;
        private final EnumMap<ServiceName, ServiceServer> servers = new EnumMap<>(ServiceName.class);
        private final List<HealthCheck> dependencies = new ArrayList<>();
        private Database database;
        private EventBus bus;

        Builder(AgentForgeConfig config, EnumSet<ServiceName> here, Deque<AutoCloseable> resources) {
            this.config = config;
            this.here = here;
            this.resources = resources;
        }

        Wiring build() {
            openInfrastructure();
            // What the services here call but that runs elsewhere is reached over HTTP; the rest is not needed.
            var called = EnumSet.noneOf(ServiceName.class);
            here.forEach(service -> called.addAll(AgentForgeConfig.callees(service)));
            ModelService models = here.contains(ServiceName.MODELS) ? startModels()
                    : called.contains(ServiceName.MODELS) ? new RemoteModelService(client(ServiceName.MODELS)) : null;
            TrainingService training = here.contains(ServiceName.TRAINING) ? startTraining(models)
                    : called.contains(ServiceName.TRAINING) ? new RemoteTrainingService(client(ServiceName.TRAINING))
                    : null;
            if (here.contains(ServiceName.WEBSOCKET)) {
                // The dashboard's pages (the API's origin) may open /ws; with port 0 the API's port is not known yet.
                var origins = DashboardOrigins.of(config, here.contains(ServiceName.API) ? config.api().port() : 0);
                var websocket = owned(WebSocketServer.create(config.websocket(), bus, dependencies,
                        config.security().admittingAlso(origins)));
                startServer(ServiceName.WEBSOCKET, () -> websocket.start().server());
            }
            var monitoring = here.contains(ServiceName.MONITORING) ? startMonitoring() : null;
            if (here.contains(ServiceName.API)) {
                var peers = new ApiService.Peers(this::websocketAddress, monitoringForApi(monitoring));
                // The dashboard's own pages post to the API from the API's origin, under whichever name of this host.
                var security = config.security().admittingAlso(DashboardOrigins.of(config, config.api().port()));
                var server = owned(ApiServer.create(config.api(), dependencies, training, models, bus,
                        reportedOnByApi(), peers, security));
                startServer(ServiceName.API, server::start);
                // No *_SERVICE_URL names the API: a Monitoring service in another process learns its address so.
                if (monitoring == null && config.redisUrl().isPresent()) {
                    owned(ServiceAnnouncer.start(bus, ServiceName.API, servers.get(ServiceName.API).port()));
                }
            }
            if (monitoring != null) {
                watch(monitoring);
            }
            return new Wiring(servers, resources, bus, database);
        }

        private void openInfrastructure() {
            // The API and WebSocket services keep no metadata of their own: they reach it through the others.
            if (here.contains(ServiceName.TRAINING) || here.contains(ServiceName.MODELS)
                    || here.contains(ServiceName.MONITORING)) {
                database = owned(Database.open(config.databaseUrl().orElse(null), config.dataDir(), schemas()));
                dependencies.add(HealthCheck.of("database", database::check));
            }
            var consumer = here.size() == 1 ? here.iterator().next().id() : "agent-forge";
            // Events published while Redis is away wait on local disk and are relayed when it returns (issue 18).
            bus = owned(EventBuses.create(config.redisUrl().orElse(null), EventBuses.consumerName(consumer),
                    config.dataDir().resolve("event-outbox")));
            var events = bus;
            // Degraded, not unhealthy: requests still work and no event is lost, so an orchestrator must not restart
            // every service of the system because Redis is away.
            dependencies.add(HealthCheck.of("event_bus",
                    () -> EventBusCheck.check(events, ServiceStatus.DEGRADED, "events are delayed")));
            if (config.redisUrl().isEmpty() && here.size() < ServiceName.values().length) {
                LOG.warn("REDIS_URL is not set: events stay inside this process, so services in other processes "
                        + "will not see them");
            }
            LOG.info("metadata database: {}; event bus: {}", database == null ? "none" : database.description(),
                    config.redisUrl().isPresent() ? "Redis Streams" : "in-process");
        }

        /** The tables of the services that run here: each service migrates only what it owns. */
        private Schema[] schemas() {
            var schemas = new ArrayList<Schema>();
            if (here.contains(ServiceName.TRAINING)) {
                schemas.add(TrainingServer.SCHEMA);
            }
            if (here.contains(ServiceName.MODELS)) {
                schemas.add(ModelServer.SCHEMA);
            }
            if (here.contains(ServiceName.MONITORING)) {
                schemas.add(MonitoringServer.SCHEMA);
            }
            return schemas.toArray(Schema[]::new);
        }

        private ModelService startModels() {
            ModelRegistry registry = owned(ModelServer.registry(config.models(), database, bus));
            var server = owned(ModelServer.create(config.models(), registry, config.security()));
            startServer(ServiceName.MODELS, server::start);
            return registry;
        }

        private TrainingService startTraining(ModelService models) {
            var jobs = owned(TrainingJobs.start(database, bus, models,
                    SchedulerSettings.defaults(config.training().maxConcurrentJobs(), config.dataDir())
                            .withLease(config.training().jobLease())));
            var server = owned(TrainingServer.create(config.training(), config.dataDir(), dependencies, jobs,
                    config.security()));
            startServer(ServiceName.TRAINING, server::start);
            return jobs;
        }

        private Monitoring startMonitoring() {
            var settings = MonitoringSettings.from(config.monitoring(), config.dataDir());
            var monitoring = owned(MonitoringServer.monitoring(settings, bus, database));
            var server = owned(MonitoringServer.create(config.monitoring(), dependencies, monitoring,
                    config.security()));
            startServer(ServiceName.MONITORING, server::start);
            return monitoring;
        }

        /**
         * Starts the health rounds once every server of this process listens, so the first round does not find the
         * API (started last) down: the services here are watched in-process, the others at their URLs.
         */
        private void watch(Monitoring monitoring) {
            var inProcess = new EnumMap<ServiceName, Service>(servers);
            inProcess.remove(ServiceName.MONITORING);
            MonitoringTargets.of(config.serviceUrls().byService(), inProcess, monitoring.settings().checkTimeout())
                    .forEach(monitoring::watch);
            if (config.redisUrl().isPresent()) {
                // With a shared bus, services in other processes that no URL names announce where they listen.
                monitoring.followAnnouncements();
            }
            monitoring.start();
        }

        /** Where browsers reach the WebSocket service: its port on the page's host here, else its URL if set. */
        private Dashboard.WebSocketAddress websocketAddress() {
            if (servers.containsKey(ServiceName.WEBSOCKET)) {
                return new Dashboard.WebSocketAddress(null, servers.get(ServiceName.WEBSOCKET).port());
            }
            return config.serviceUrls().of(ServiceName.WEBSOCKET).map(Dashboard.WebSocketAddress::of)
                    .orElseGet(Dashboard.WebSocketAddress::unknown);
        }

        /** The Monitoring service whose answers the API passes on to the dashboard: here, at its URL, or none. */
        private MonitoringService monitoringForApi(Monitoring here) {
            if (here != null) {
                return here;
            }
            return config.serviceUrls().of(ServiceName.MONITORING)
                    .map(url -> (MonitoringService) new RemoteMonitoringService(client(ServiceName.MONITORING, url)))
                    .orElse(null);
        }

        /** The WebSocket and Monitoring services whose health the API reports: here, or at their URLs if set. */
        private List<Service> reportedOnByApi() {
            var reported = new ArrayList<Service>();
            reportedOn(ServiceName.WEBSOCKET, RemoteWebSocketService::new).ifPresent(reported::add);
            reportedOn(ServiceName.MONITORING, RemoteMonitoringService::new).ifPresent(reported::add);
            return reported;
        }

        private Optional<Service> reportedOn(ServiceName service, Function<ServiceClient, Service> remote) {
            return servers.containsKey(service) ? Optional.of(servers.get(service))
                    : config.serviceUrls().of(service).map(url -> remote.apply(client(service, url)));
        }

        /** A client of a callee in another process; requireReachable made sure it has an address. */
        private ServiceClient client(ServiceName service) {
            var url = config.reachableUrl(service).orElseThrow();
            if (config.serviceUrls().of(service).isEmpty()) {
                LOG.info("{} is not set: the {} service is expected at {}", AgentForgeConfig.urlVariable(service),
                        service.id(), url);
            }
            return client(service, url);
        }

        private ServiceClient client(ServiceName service, URI url) {
            return new ServiceClient(service.id(), url, ServiceClient.Settings.defaults(),
                    config.security().serviceToken());
        }

        private void startServer(ServiceName service, Supplier<ServiceServer> start) {
            try {
                servers.put(service, start.get());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot start " + service + " on port " + config.port(service)
                        + " (" + AgentForgeConfig.portVariable(service) + "): " + rootMessage(e), e);
            }
        }

        private <T extends AutoCloseable> T owned(T resource) {
            resources.push(resource);
            return resource;
        }
    }

    /** The event bus of this process, for tests that publish events as a service would. */
    EventBus bus() {
        return bus;
    }

    /**
     * The metadata database of this process (null when no service here keeps metadata), for tests that write rows as
     * an older version would: a second pool on the same embedded file would close it for everyone when it closes.
     */
    Database database() {
        return database;
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
