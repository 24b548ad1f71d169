package io.agentforge.platform.web;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.platform.bus.EventBusTraffic;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.health.HealthChecker;
import io.agentforge.platform.health.HeapMemoryCheck;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.http.media.MediaContext;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP server of one service, the same frame for all five: a Helidon SE web server on the service's port with
 * {@code GET /health} (its own JVM's heap plus the checks it was given, all run for real on every call; 200 while
 * healthy or degraded, 503 when unhealthy), {@code GET /metrics} (Prometheus text: JVM metrics, every request by
 * method, route and status, and the process's event bus traffic), the service's own routes, and one error mapping
 * that answers every failure in the {@code ApiResponse} envelope. Every request runs in its W3C trace (the caller's
 * {@code traceparent} or a new one), with the trace id in the log MDC and in the response's {@code traceparent}.
 *
 * <pre>{@code
 * var server = ServiceServer.builder("training")
 *         .port(config.training().port())
 *         .healthCheck("database", database::check)
 *         .routes(new TrainingRoutes(trainingService))
 *         .build()
 *         .start();
 * }</pre>
 */
public final class ServiceServer implements Service, AutoCloseable {
    static {
        // Helidon logs through java.util.logging; routing it into SLF4J puts all output under one logback configuration.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private final String name;
    private final HealthChecker health;
    private final PrometheusMeterRegistry metrics;
    private final JvmGcMetrics gcMetrics;
    private final WebServer server;

    private ServiceServer(Builder builder) {
        this.name = builder.name;
        // Every service reports its own JVM first, then the dependencies it was given.
        var checks = new ArrayList<HealthCheck>();
        checks.add(HealthCheck.of("jvm", new HeapMemoryCheck()));
        checks.addAll(builder.checks);
        this.health = new HealthChecker(name, checks, builder.healthTimeout);
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("service", name);
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        new FileDescriptorMetrics().bindTo(metrics);
        // The GC binder listens to JVM notifications until closed; close() releases it with the server.
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(metrics);
        EventBusTraffic.bindTo(metrics);

        var routing = HttpRouting.builder()
                .addFilter(new TraceFilter())
                .addFilter(new RequestTargetLimit())
                .addFilter(new AccessFilter(builder.access))
                .addFilter(new RequestMetrics(metrics))
                .get("/health", this::handleHealth)
                .get("/metrics", this::handleMetrics);
        builder.routes.forEach(routes -> routing.register(routes));
        ErrorMapping.register(routing);

        var web = WebServer.builder()
                .port(builder.port)
                .host(builder.host)
                // The launcher stops services in its own order; Helidon's hook would race it.
                .shutdownHook(false)
                // Without TCP_NODELAY a response larger than one segment waits for the client's delayed ACK (~40 ms).
                .connectionOptions(options -> options.tcpNoDelay(true))
                .mediaContext(MediaContext.builder()
                        .mediaSupportsDiscoverServices(false)
                        .addMediaSupport(JacksonSupport.create(Json.mapper()))
                        .build())
                .routing(routing)
                // Long request lines reach routing, which refuses them without dropping the connection.
                .addProtocol(Http1Config.builder().maxPrologueLength(RequestTargetLimit.MAX_REQUEST_LINE).build());
        web.maxPayloadSize(builder.maxPayloadSize);
        web.directHandlers(ErrorMapping.directHandlers(builder.maxPayloadSize));
        builder.serverExtensions.forEach(extension -> extension.accept(web));
        this.server = web.build();
    }

    /** Starts building the server of the named service (the name appears in its health report and metrics). */
    public static Builder builder(String serviceName) {
        return new Builder(serviceName);
    }

    /**
     * Binds the port and starts serving; returns once the server accepts connections.
     *
     * @throws IllegalStateException when it cannot listen, e.g. the port is taken
     */
    public ServiceServer start() {
        server.start();
        // Helidon logs a failed bind and returns rather than throwing; a caller must not believe it is serving.
        if (!server.isRunning()) {
            throw new IllegalStateException("the " + name + " server did not start (is its port in use?)");
        }
        return this;
    }

    /** The port it listens on: the configured one, or the one the system picked for port 0. */
    public int port() {
        return server.port();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public String name() {
        return name;
    }

    /** Runs every health check now; what {@code GET /health} answers. */
    @Override
    public HealthReport health() {
        return health.report();
    }

    /** Where the service registers its own (business) metrics; they appear on {@code /metrics}. */
    public MeterRegistry meterRegistry() {
        return metrics;
    }

    /** Stops accepting requests, lets the ones in flight finish (Helidon's grace period) and releases the port. */
    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
        gcMetrics.close();
        metrics.close();
    }

    private void handleHealth(ServerRequest req, ServerResponse res) {
        var report = health.report();
        // Load balancers and Kubernetes read only the status code: take the service out of rotation when it is down
        // or in maintenance; degraded still serves.
        var status = switch (report.status()) {
            case HEALTHY, DEGRADED -> Status.OK_200;
            case UNHEALTHY, MAINTENANCE -> Status.SERVICE_UNAVAILABLE_503;
        };
        Exchange.json(res, status, report);
    }

    private void handleMetrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderValues.create("Content-Type", "text/plain; version=0.0.4; charset=utf-8"));
        res.send(metrics.scrape());
    }

    /** How one service's server is put together; only the name is required. */
    public static final class Builder {
        private final String name;
        private final List<HealthCheck> checks = new ArrayList<>();
        private final List<HttpService> routes = new ArrayList<>();
        private int port;
        private String host = SecuritySettings.LOOPBACK;
        private Duration healthTimeout = Duration.ofSeconds(2);
        private long maxPayloadSize = Exchange.MAX_JSON_BYTES;
        private AccessControl access = AccessControl.local(List.of(), AccessRules.Audience.PEOPLE);
        private final List<Consumer<WebServerConfig.Builder>> serverExtensions = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The port to listen on; 0 (the default) picks a free one, for tests. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to bind; 127.0.0.1 unless {@link #access} says otherwise. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** A dependency reported on {@code /health}, e.g. {@code healthCheck("database", database::check)}. */
        public Builder healthCheck(String checkName, Supplier<DependencyCheck> check) {
            return healthCheck(HealthCheck.of(checkName, check));
        }

        public Builder healthCheck(HealthCheck check) {
            checks.add(check);
            return this;
        }

        /** Dependencies handed over by the launcher (database, event bus), in the order they should be reported. */
        public Builder healthChecks(List<HealthCheck> dependencies) {
            checks.addAll(dependencies);
            return this;
        }

        /** How long one check may take before it counts as unhealthy; 2 s by default. */
        public Builder healthTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the health timeout must be positive, got " + timeout);
            }
            this.healthTimeout = timeout;
            return this;
        }

        /** The service's own routes; {@code /health} and {@code /metrics} are already there. */
        public Builder routes(HttpService... services) {
            routes.addAll(List.of(services));
            return this;
        }

        /**
         * Who may call, and where the server listens ({@code BIND_ADDRESS}); without it the server listens on
         * 127.0.0.1 without authentication and admits browser pages of loopback origins only.
         */
        public Builder access(AccessControl access) {
            this.access = Objects.requireNonNull(access, "access");
            this.host = access.settings().bindAddress();
            return this;
        }

        /**
         * The largest request body accepted, in bytes; larger ones get 413. 1 MiB by default (JSON); a service that
         * takes uploads raises it, and its JSON routes stay limited by {@link Exchange#body}.
         */
        public Builder maxPayloadSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the body limit must be positive, got " + bytes);
            }
            this.maxPayloadSize = bytes;
            return this;
        }

        /**
         * For a service that serves more than HTTP routes on its port, such as the WebSocket service's {@code /ws}:
         * adds protocols and routings to the Helidon server being built, after the frame's own settings.
         */
        public Builder extendServer(Consumer<WebServerConfig.Builder> extension) {
            serverExtensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /** The server, ready to {@link ServiceServer#start()}. */
        public ServiceServer build() {
            return new ServiceServer(this);
        }
    }
}
