package io.agentforge.api;

import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.api.web.ApiDocument;
import io.agentforge.contracts.Json;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document and the server agree: every route is documented, and every documented route exists. */
class RouteDocumentationTest {
    /** Served by the platform's server frame and by the docs page, not by the route table. */
    private static final Set<String> FRAME_ROUTES = Set.of("GET /health", "GET /metrics", "GET /docs");

    @TempDir
    Path storage;

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
        try (var bus = new InProcessEventBus();
             var api = new ApiService(new ApiServiceConfig(0, List.of()), new JobLedger(bus, Set.of()),
                     new ModelShelf(storage), bus, List.of(), List.of()).start()) {
            var documented = ApiDocument.load().operations();
            var served = new ArrayList<String>(FRAME_ROUTES);
            api.routes().forEach(route -> served.add(route.operation()));

            assertThat(served).as("routes served vs routes documented").containsExactlyInAnyOrderElementsOf(documented);

            // And on the wire: no documented operation falls through to the "no route" answer.
            var client = new ApiClient(api.port());
            for (var operation : documented) {
                var parts = operation.split(" ", 2);
                var path = parts[1].replace("{phase}", "cognate").replace("{job_id}", "no-such-job")
                        .replace("{model_id}", "no-such-model").replace("{export_id}", "no-such-export")
                        .replace("{alert_id}", "no-such-alert");
                var response = client.raw(client.request(path).method(parts[0],
                        parts[0].equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                                : HttpRequest.BodyPublishers.noBody()));
                var body = new String(response.body());
                assertThat(body).as(operation).doesNotContain("no route for");
                assertThat(response.statusCode()).as(operation + " answered " + body).isNotEqualTo(405);
            }
        }
    }

    @Test
    void theServedDocumentIsTheResourceAsJson() throws Exception {
        try (var bus = new InProcessEventBus();
             var api = new ApiService(new ApiServiceConfig(0, List.of()), new JobLedger(bus, Set.of()),
                     new ModelShelf(storage), bus, List.of(), List.of()).start()) {
            var served = new ApiClient(api.port()).raw(new ApiClient(api.port()).request("/openapi.json").GET());
            var document = Json.mapper().readTree(served.body());

            assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(document.get("paths").has("/pipeline/run-all")).isTrue();
            assertThat(document.get("components").get("schemas").has("PhaseStatus")).isTrue();
        }
    }
}
