package io.agentforge.api.web;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.monitoring.MonitoringService;
import io.agentforge.platform.web.Exchange;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Monitoring service's answers through the API ({@code /system/services}, {@code /system/metrics},
 * {@code /alerts}), so that the dashboard, served from this origin, never calls another one. Without a Monitoring
 * service (none in this process and no {@code MONITORING_SERVICE_URL}) they answer 503 saying so.
 */
public final class SystemRoutes implements HttpService {
    private final MonitoringService monitoring;

    /** @param monitoring the Monitoring service, or null when this API cannot reach one */
    public SystemRoutes(MonitoringService monitoring) {
        this.monitoring = monitoring;
    }

    public List<ApiRoutes.Route> table() {
        return List.of(
                new ApiRoutes.Route(Method.GET, "/system/services", this::services),
                new ApiRoutes.Route(Method.GET, "/system/metrics", this::metrics),
                new ApiRoutes.Route(Method.GET, "/alerts", this::alerts),
                new ApiRoutes.Route(Method.POST, "/alerts/{alert_id}/resolve", this::resolve));
    }

    @Override
    public void routing(HttpRules rules) {
        table().forEach(route -> rules.route(route.method(), route.path(), route.handler()));
    }

    private void services(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, monitoring().servicesHealth());
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, monitoring().systemMetrics());
    }

    private void alerts(ServerRequest req, ServerResponse res) {
        var active = new QueryParameters(req.query(), Set.of("active")).optional("active", SystemRoutes::bool);
        Exchange.ok(res, monitoring().alerts(active));
    }

    private void resolve(ServerRequest req, ServerResponse res) {
        var alert = monitoring().resolve(req.path().pathParameters().get("alert_id"));
        Exchange.ok(res, alert, "alert " + alert.alertId() + " resolved");
    }

    private MonitoringService monitoring() {
        if (monitoring == null) {
            throw new DependencyUnavailableException("monitoring", Duration.ofSeconds(30), new IllegalStateException(
                    "no Monitoring service runs in this process and MONITORING_SERVICE_URL is not set"));
        }
        return monitoring;
    }

    private static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException("active", "true or false", text);
        };
    }
}
