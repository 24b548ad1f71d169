package io.agentforge.monitoring.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * GETs a service's {@code /health}. The body may be a bare {@link HealthReport} or one wrapped in the
 * {@code ApiResponse} envelope; a 503 that still names a status (e.g. {@code degraded}) is a report, not a failure.
 */
final class HttpHealthProbe implements HealthProbe {
    private final String name;
    private final URI healthUri;
    private final HttpClient client;
    private final Duration timeout;

    HttpHealthProbe(String name, URI baseUrl, HttpClient client, Duration timeout) {
        this.name = name;
        var base = baseUrl.toString();
        this.healthUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/health");
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public HealthReport probe() throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(healthUri).timeout(timeout).GET().build();
        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
        var report = readReport(response.body());
        if (report != null) {
            return report;
        }
        if (response.statusCode() / 100 == 2) {
            return new HealthReport(name, ServiceStatus.HEALTHY, Map.of(), 0, Instant.now());
        }
        throw new IOException(healthUri + " answered HTTP " + response.statusCode());
    }

    private HealthReport readReport(String body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body == null ? "" : body);
        } catch (IOException notJson) {
            return null;
        }
        if (root == null) {
            return null;
        }
        var node = root.path("data").has("status") ? root.path("data") : root;
        if (!node.path("status").isTextual()) {
            return null;
        }
        try {
            return Json.mapper().treeToValue(node, HealthReport.class);
        } catch (IOException | RuntimeException malformedChecks) {
            // A status we can read is enough; the per-dependency detail is optional.
            return new HealthReport(name, ServiceStatus.parse(node.path("status").asText()), Map.of(), 0, Instant.now());
        }
    }
}
