package io.agentforge.api;

import io.agentforge.api.chat.Chat;
import io.agentforge.api.dashboard.Dashboard;
import io.agentforge.api.phases.LatestProgress;
import io.agentforge.api.phases.PhaseOrchestrator;
import io.agentforge.api.phases.Prerequisites;
import io.agentforge.api.web.ApiDocument;
import io.agentforge.api.web.ApiRoutes;
import io.agentforge.api.web.SystemRoutes;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.MonitoringService;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.web.ServiceServer;
import io.helidon.webserver.cors.CorsSupport;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The API service put together: its logic over the Training and Model services (in-process or HTTP clients, the
 * caller decides), its routes on the shared server frame, CORS for the configured origins, and a request body limit.
 */
public final class ApiService implements AutoCloseable {
    public static final String NAME = "api";
    /** No route of this service takes an upload; a JSON request larger than this is a mistake or an attack. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private final LatestProgress latestProgress;
    private final ApiRoutes routes;
    private final SystemRoutes system;
    private final ServiceServer server;

    /**
     * What the API reaches besides the Training and Model services, for the dashboard: where browsers find the
     * WebSocket service, and the Monitoring service (null when it cannot be reached; its routes then answer 503).
     */
    public record Peers(Supplier<Dashboard.WebSocketAddress> websocket, MonitoringService monitoring) {
        public static Peers none() {
            return new Peers(Dashboard.WebSocketAddress::unknown, null);
        }
    }

    /**
     * @param training   the Training service
     * @param models     the Model service
     * @param bus        the event bus (training events in, for the dashboard and caches)
     * @param reportedOn further services whose health {@code /health} reports (e.g. WebSocket, Monitoring)
     * @param checks     checks of what the launcher handed over (database, event bus)
     */
    public ApiService(ApiServiceConfig config, TrainingService training, ModelService models, EventBus bus,
                      List<Service> reportedOn, List<HealthCheck> checks) {
        this(config, training, models, bus, reportedOn, checks, Peers.none());
    }

    /** @param peers the WebSocket service's address and the Monitoring service, for the dashboard */
    public ApiService(ApiServiceConfig config, TrainingService training, ModelService models, EventBus bus,
                      List<Service> reportedOn, List<HealthCheck> checks, Peers peers) {
        this(config, training, models, bus, reportedOn, checks, peers, SecuritySettings.local(config.corsOrigins()));
    }

    /** With the process's security settings: roles per route when authentication is on (SPEC section 2). */
    public ApiService(ApiServiceConfig config, TrainingService training, ModelService models, EventBus bus,
                      List<Service> reportedOn, List<HealthCheck> checks, Peers peers, SecuritySettings security) {
        this.latestProgress = new LatestProgress(bus);
        var phases = new PhaseOrchestrator(training, new Prerequisites(models), latestProgress);
        this.routes = new ApiRoutes(training, models, phases, new Chat(models), ApiDocument.load(), bus);
        var builder = ServiceServer.builder(NAME)
                .port(config.port())
                .access(new AccessControl(security, AccessRules.Audience.PEOPLE))
                .maxPayloadSize(MAX_BODY_BYTES)
                .healthChecks(checks)
                .healthCheck(training.name(), () -> dependency(training))
                .healthCheck(models.name(), () -> dependency(models));
        reportedOn.forEach(service -> builder.healthCheck(service.name(), () -> dependency(service)));
        this.system = new SystemRoutes(peers.monitoring());
        var dashboard = new Dashboard(peers.websocket());
        // The dashboard's GET / comes before the JSON one, which it passes browsers' API calls on to. Origins outside
        // CORS_ORIGINS were refused by the frame's access filter before any of these.
        this.server = builder.routes(cors(config.corsOrigins()), dashboard, routes, system).build();
        dashboard.bindMetrics(server.meterRegistry());
    }

    public ApiService start() {
        server.start();
        return this;
    }

    public int port() {
        return server.port();
    }

    /** The routes served, for tests that hold them against the OpenAPI document. */
    public List<ApiRoutes.Route> routes() {
        return Stream.concat(routes.table().stream(), system.table().stream()).toList();
    }

    public ServiceServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        routes.close();
        latestProgress.close();
    }

    /**
     * The CORS headers for the configured origins (the frame's access filter refused other origins before).
     * Registered before the routes, so it sees every route of this service.
     */
    private static CorsSupport cors(List<String> origins) {
        return CorsSupport.builder()
                .allowOrigins(origins.toArray(String[]::new))
                .allowMethods("GET", "POST", "DELETE", "OPTIONS")
                .allowHeaders("Content-Type", "Accept", "Authorization")
                .exposeHeaders("Retry-After", "X-Checksum-SHA256", "Content-Disposition")
                .maxAgeSeconds(600)
                .build();
    }

    /**
     * A dependency that is down leaves this service degraded, not unhealthy: its other routes still answer, so a
     * load balancer must keep sending traffic here.
     */
    private static DependencyCheck dependency(Service service) {
        try {
            var report = service.health();
            var status = report.status() == ServiceStatus.HEALTHY ? ServiceStatus.HEALTHY : ServiceStatus.DEGRADED;
            return new DependencyCheck(status, 0, service.name() + " reports " + report.status());
        } catch (RuntimeException e) {
            return new DependencyCheck(ServiceStatus.DEGRADED, 0, e.getMessage());
        }
    }
}
