package io.agentforge.monitoring;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.SystemMetrics;
import io.agentforge.platform.web.Exchange;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Locale;

/**
 * The Monitoring service's REST routes (SPEC section 1, issue 8); {@code /health} and {@code /metrics} come from the
 * shared server frame ({@link MonitoringServer}). Handlers parse, ask {@link Monitoring}, and answer in the
 * {@code ApiResponse} envelope; failures are thrown and mapped to HTTP by the frame.
 */
final class MonitoringRoutes implements HttpService {
    private final Monitoring monitoring;

    public MonitoringRoutes(Monitoring monitoring) {
        this.monitoring = monitoring;
    }

    /** {@code GET /metrics/system}: the latest sample and the kept history, oldest first. */
    public record SystemMetricsView(SystemMetrics current, List<SystemMetrics> history) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/overview", (req, res) -> Exchange.ok(res, monitoring.overview()))
                .get("/services/health", (req, res) -> Exchange.ok(res, monitoring.servicesHealth()))
                .get("/services/{name}/health", this::serviceHealth)
                .get("/metrics/system", this::systemMetrics)
                .get("/alerts", this::alerts)
                .post("/alerts/{id}/resolve", this::resolve);
    }

    private void serviceHealth(ServerRequest req, ServerResponse res) {
        var name = req.path().pathParameters().get("name");
        Exchange.ok(res, monitoring.servicesHealth().stream().filter(h -> h.serviceName().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("service", name)));
    }

    private void systemMetrics(ServerRequest req, ServerResponse res) {
        var history = monitoring.systemHistory();
        var limit = intParam(req, "limit", history.size());
        Exchange.ok(res, new SystemMetricsView(monitoring.systemMetrics(),
                history.subList(Math.max(0, history.size() - limit), history.size())));
    }

    private void alerts(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, monitoring.alerts(booleanParam(req, "active")));
    }

    private void resolve(ServerRequest req, ServerResponse res) {
        var alert = monitoring.resolve(req.path().pathParameters().get("id"));
        Exchange.ok(res, alert, "Alert " + alert.alertId() + " resolved");
    }

    private static Boolean booleanParam(ServerRequest req, String name) {
        var value = req.query().first(name).orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> throw new InvalidRequestException(name, "true or false", value);
        };
    }

    private static int intParam(ServerRequest req, String name, int fallback) {
        var value = req.query().first(name).orElse(null);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            var parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // Falls through to the same 400 as a negative number.
        }
        throw new InvalidRequestException(name, "a whole number from 0", value);
    }
}
