package io.agentforge.api.dashboard;

import io.agentforge.api.ApiService;
import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.api.ApiServiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's routes on the API service, without a browser (the browser suite is in the launcher module). */
class DashboardTest {
    @TempDir
    Path storage;
    private InProcessEventBus bus;
    private JobLedger training;
    private ApiService api;
    private ApiClient client;

    @BeforeEach
    void start() {
        bus = new InProcessEventBus();
        training = new JobLedger(bus, Set.of(ModelPhase.COGNATE));
        var peers = new ApiService.Peers(() -> Dashboard.WebSocketAddress.of(URI.create("https://ws.example:9443/")),
                null);
        api = new ApiService(new ApiServiceConfig(0, List.of()), training, new ModelShelf(storage), bus, List.of(),
                List.of(), peers).start();
        client = new ApiClient(api.port());
    }

    @AfterEach
    void stop() {
        api.close();
        bus.close();
    }

    private Raw raw(String method, String path, String accept, String body) {
        var request = client.request(path).header("Accept", accept).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        var response = client.raw(request);
        return new Raw(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                new String(response.body(), StandardCharsets.UTF_8));
    }

    private record Raw(int status, String type, String body) {
    }

    @Test
    void aBrowserGetsThePageAtTheRootAndApiClientsKeepTheirJson() {
        var page = raw("GET", "/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.type()).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>")
                .doesNotContain("http://", "https://");

        for (var accept : List.of("application/json", "*/*", "application/json, text/html;q=0.5")) {
            var json = raw("GET", "/", accept, null);
            assertThat(json.type()).as(accept).startsWith("application/json");
            assertThat(json.body()).as(accept).contains("\"endpoints\"");
        }
    }

    @Test
    void servesItsScriptsAndUplotFromTheJar() {
        for (var path : List.of("/ui/app.js", "/ui/run.js", "/ui/chart.js", "/ui/live.js", "/ui/pages.js")) {
            var script = raw("GET", path, "*/*", null);
            assertThat(script.status()).as(path).isEqualTo(200);
            assertThat(script.type()).as(path).contains("javascript");
        }
        assertThat(raw("GET", "/ui/vendor/uplot/uPlot.iife.min.js", "*/*", null).body()).contains("uPlot");
        assertThat(raw("GET", "/ui/vendor/uplot/uPlot.min.css", "*/*", null).type()).startsWith("text/css");
        assertThat(raw("GET", "/ui/no-such.js", "*/*", null).status()).isEqualTo(404);

        // A reload revalidates: the same ETag is a 304 without a body.
        var first = client.raw(client.request("/ui/app.js"));
        var etag = first.headers().firstValue("ETag").orElseThrow();
        var again = client.raw(client.request("/ui/app.js").header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void tellsThePageWhereTheWebSocketServiceListens() throws Exception {
        var config = Json.mapper().readTree(raw("GET", "/dashboard/config", "application/json", null).body());
        assertThat(config.at("/data/websocket_url").asText()).isEqualTo("wss://ws.example:9443/ws");
        assertThat(config.at("/data/websocket_port").isNull()).isTrue();
    }

    @Test
    void addsReportedLatenciesToAHistogramAndRefusesNonsenseByName() {
        assertThat(raw("POST", "/dashboard/latency", "application/json", "{\"samples_ms\":[12.5,40,180]}").status())
                .isEqualTo(200);
        var metrics = raw("GET", "/metrics", "text/plain", null).body();
        assertThat(metrics).contains("agentforge_dashboard_step_to_pixel_seconds_count{service=\"api\"} 3")
                .contains("agentforge_dashboard_step_to_pixel_seconds_bucket{service=\"api\",le=\"0.05\"} 2");

        for (var bad : List.of("{}", "{\"samples_ms\":5}", "{\"samples_ms\":[-1]}", "{\"samples_ms\":[\"x\"]}")) {
            var refused = raw("POST", "/dashboard/latency", "application/json", bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body()).as(bad).contains("samples_ms");
        }
    }

    @Test
    void bucketsAJobsHistoryOnAskingAndNamesABadParameter() {
        var job = training.submit(new io.agentforge.contracts.training.JobRequest(ModelPhase.COGNATE, null,
                Map.of("max_steps", 100), 0));
        for (int step = 1; step <= 100; step++) {
            training.progress(job.jobId(), step, Map.of("loss", step == 37 ? 50.0 : 1.0));
        }
        var full = client.get("/jobs/" + job.jobId() + "/metrics");
        assertThat(full.data().size()).isEqualTo(100);

        var buckets = client.get("/jobs/" + job.jobId() + "/metrics?buckets=10&metric=loss").data();
        assertThat(buckets.get("steps").size()).isEqualTo(10);
        assertThat(buckets.get("total_points").asInt()).isEqualTo(100);
        assertThat(buckets.at("/series/loss/max/3").asDouble()).isEqualTo(50.0);
        assertThat(buckets.at("/series/loss/last/3").asDouble()).isEqualTo(1.0);

        var zoomed = client.get("/jobs/" + job.jobId() + "/metrics?buckets=10&from=31&to=40").data();
        assertThat(zoomed.get("steps").size()).isEqualTo(10);
        assertThat(zoomed.at("/steps/6").asInt()).isEqualTo(37);

        for (var query : List.of("buckets=0", "buckets=abc", "from=3", "buckets=5&from=9&to=2", "bukets=5")) {
            var refused = client.get("/jobs/" + job.jobId() + "/metrics?" + query);
            assertThat(refused.status()).as(query).isEqualTo(400);
        }
    }

    @Test
    void systemRoutesSayWhenNoMonitoringServiceIsReachable() {
        var answer = client.get("/system/services");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("error").asText()).contains("MONITORING_SERVICE_URL");
    }
}
