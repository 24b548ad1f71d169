package io.agentforge.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceServerTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A record with the validation a real request record has, to see that its message reaches the caller. */
    record Order(String item, int quantity) {
        Order {
            if (quantity < 1) {
                throw new InvalidRequestException("quantity", "an integer of at least 1", quantity);
            }
        }
    }

    /** Routes of a pretend service: each failure a real service may throw, and a JSON body round trip. */
    static final class TestRoutes implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            rules.get("/items/{id}", (req, res) -> Exchange.ok(res, Map.of("id", req.path().pathParameters().get("id"))))
                    .post("/orders", (req, res) -> Exchange.created(res, Exchange.body(req, Order.class)))
                    .post("/orders/optional", (req, res) ->
                            Exchange.accepted(res, Exchange.bodyOr(req, Order.class, () -> new Order("default", 1)), "queued"))
                    .get("/fail/invalid", (req, res) -> {
                        throw new InvalidRequestException("max_steps", "an integer from 1 to 100000", "abc");
                    })
                    .get("/fail/not-found", (req, res) -> {
                        throw new NotFoundException("job", "42");
                    })
                    .get("/fail/conflict", (req, res) -> {
                        throw new ConflictException("evomerge needs the cognate models", Map.of("required_phase", "cognate"));
                    })
                    .get("/fail/too-large", (req, res) -> {
                        throw new PayloadTooLargeException("model upload", 1024);
                    })
                    .get("/fail/unavailable", (req, res) -> {
                        throw new DependencyUnavailableException("training", Duration.ofSeconds(7), new IOException("connection refused"));
                    })
                    .get("/fail/bug", (req, res) -> {
                        throw new IllegalStateException("secret internal detail");
                    });
        }
    }

    private ServiceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServiceServer start(ServiceServer.Builder builder) {
        server = builder.routes(new TestRoutes()).build().start();
        return server;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private static DependencyCheck status(ServiceStatus status, String detail) {
        return new DependencyCheck(status, 0, detail);
    }

    @Test
    void healthReportsEveryCheckWithItsMeasuredTimeAndTheUptime() throws Exception {
        start(ServiceServer.builder("training")
                .healthCheck("database", () -> status(ServiceStatus.HEALTHY, "select 1 ok"))
                .healthCheck("event_bus", () -> {
                    sleep(Duration.ofMillis(30));
                    return status(ServiceStatus.HEALTHY, "ping ok");
                }));
        sleep(Duration.ofMillis(50));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        var body = json(response);
        assertThat(body.get("service").asText()).isEqualTo("training");
        assertThat(body.get("status").asText()).isEqualTo("healthy");
        assertThat(body.get("uptime_seconds").asDouble()).isGreaterThanOrEqualTo(0.05);
        assertThat(body.get("timestamp").asText()).endsWith("Z");
        assertThat(body.get("checks").get("database").get("detail").asText()).isEqualTo("select 1 ok");
        assertThat(body.get("checks").get("event_bus").get("response_time").asDouble()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void degradedDependencyStillAnswers200() throws Exception {
        start(ServiceServer.builder("models").healthCheck("storage", () -> status(ServiceStatus.DEGRADED, "12 MB free")));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("degraded");
    }

    @Test
    void failingCheckMakesTheServiceUnhealthyWith503() throws Exception {
        var database = new AtomicReference<>(status(ServiceStatus.HEALTHY, "ok"));
        start(ServiceServer.builder("api")
                .healthCheck("database", database::get)
                .healthCheck("event_bus", () -> {
                    throw new IllegalStateException("redis connection refused");
                }));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        var body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("unhealthy");
        assertThat(body.get("checks").get("database").get("status").asText()).isEqualTo("healthy");
        assertThat(body.get("checks").get("event_bus").get("status").asText()).isEqualTo("unhealthy");
        assertThat(body.get("checks").get("event_bus").get("detail").asText()).contains("redis connection refused");
    }

    @Test
    void checksRunOnEveryCallSoRecoveryIsSeen() throws Exception {
        var database = new AtomicReference<>(status(ServiceStatus.UNHEALTHY, "down"));
        start(ServiceServer.builder("api").healthCheck("database", database::get));
        assertThat(get("/health").statusCode()).isEqualTo(503);

        database.set(status(ServiceStatus.HEALTHY, "up again"));

        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void hungCheckIsUnhealthyAfterTheTimeoutAndDoesNotHangHealth() throws Exception {
        start(ServiceServer.builder("websocket")
                .healthTimeout(Duration.ofMillis(300))
                .healthCheck("hung", () -> {
                    sleep(Duration.ofMinutes(5));
                    return status(ServiceStatus.HEALTHY, "never");
                }));

        var started = System.nanoTime();
        var response = get("/health");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("checks").get("hung").get("detail").asText()).isEqualTo("no answer within 300 ms");
    }

    @Test
    void metricsArePrometheusTextWithJvmMetricsAndRequestsByRouteTemplate() throws Exception {
        start(ServiceServer.builder("monitoring"));
        get("/items/1");
        get("/items/2");
        get("/items/3");
        get("/fail/not-found");

        var response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        var text = response.body();
        assertThat(text).contains("# TYPE jvm_memory_used_bytes gauge", "jvm_threads_live_threads", "process_uptime_seconds",
                "system_cpu_count");
        assertThat(text).containsPattern(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\"/items/\\{id}\",service=\"monitoring\",status=\"200\"} 3");
        assertThat(text).containsPattern(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\"/fail/not-found\",service=\"monitoring\",status=\"404\"} 1");
        assertThat(text).as("raw paths must not become series").doesNotContain("route=\"/items/1\"");
    }

    @Test
    void requestsToUnknownRoutesAreCountedUnderOneSeries() throws Exception {
        start(ServiceServer.builder("monitoring"));
        get("/nope/1");
        get("/nope/2");

        var text = get("/metrics").body();

        assertThat(text).containsPattern("route=\"unmatched\",service=\"monitoring\",status=\"404\"} 2");
    }

    @ParameterizedTest
    @CsvSource({
            "/fail/invalid,     400, 'invalid max_steps: expected an integer from 1 to 100000, got \"abc\"'",
            "/fail/not-found,   404, job 42 not found",
            "/fail/conflict,    409, evomerge needs the cognate models",
            "/fail/too-large,   413, model upload exceeds the limit of 1024 bytes",
            "/fail/unavailable, 503, 'training is unavailable: connection refused'",
    })
    void serviceFailuresMapToTheirStatusInTheEnvelope(String path, int status, String error) throws Exception {
        start(ServiceServer.builder("api"));

        var response = get(path);

        assertThat(response.statusCode()).isEqualTo(status);
        var body = json(response);
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("timestamp").asText()).isNotBlank();
    }

    @Test
    void failureDetailsAreTheEnvelopesData() throws Exception {
        start(ServiceServer.builder("api"));

        var conflict = json(get("/fail/conflict"));
        var invalid = json(get("/fail/invalid"));

        assertThat(conflict.get("data").get("required_phase").asText()).isEqualTo("cognate");
        assertThat(invalid.get("data").get("field").asText()).isEqualTo("max_steps");
    }

    @Test
    void unavailableDependencyTellsWhenToRetry() throws Exception {
        start(ServiceServer.builder("api"));

        var response = get("/fail/unavailable");

        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(json(response).get("data").get("dependency").asText()).isEqualTo("training");
    }

    @Test
    void unknownRouteIs404InTheEnvelope() throws Exception {
        start(ServiceServer.builder("api"));

        var response = get("/no/such/route");

        assertThat(response.statusCode()).isEqualTo(404);
        var body = json(response);
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").asText()).isEqualTo("no route for GET /no/such/route");
    }

    @Test
    void unexpectedFailureIsA500WithoutInternalDetails() throws Exception {
        start(ServiceServer.builder("api"));

        var response = get("/fail/bug");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).get("success").asBoolean()).isFalse();
        assertThat(response.body()).doesNotContain("secret internal detail").doesNotContain("IllegalStateException");
    }

    @Test
    void jsonBodyIsReadIntoTheRecord() throws Exception {
        start(ServiceServer.builder("api"));

        var response = post("/orders", "{\"item\": \"gpu\", \"quantity\": 2, \"ignored_extra\": true}");

        assertThat(response.statusCode()).isEqualTo(201);
        var body = json(response);
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("data").get("item").asText()).isEqualTo("gpu");
        assertThat(body.get("data").get("quantity").asInt()).isEqualTo(2);
    }

    @Test
    void malformedJsonIs400NamingTheProblem() throws Exception {
        start(ServiceServer.builder("api"));

        var response = post("/orders", "{\"item\": \"gpu\", quantity: 2}");

        assertThat(response.statusCode()).isEqualTo(400);
        var body = json(response);
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").asText()).startsWith("malformed JSON body at line 1, column ");
    }

    @Test
    void wrongTypeIs400NamingTheField() throws Exception {
        start(ServiceServer.builder("api"));

        var response = post("/orders", "{\"item\": \"gpu\", \"quantity\": \"two\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        var body = json(response);
        assertThat(body.get("error").asText()).startsWith("invalid value of quantity in the JSON body");
        assertThat(body.get("data").get("field").asText()).isEqualTo("quantity");
    }

    @Test
    void validationInTheRecordReachesTheCaller() throws Exception {
        start(ServiceServer.builder("api"));

        var response = post("/orders", "{\"item\": \"gpu\", \"quantity\": 0}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid quantity: expected an integer of at least 1, got 0");
    }

    @Test
    void missingBodyIs400UnlessTheRouteHasADefault() throws Exception {
        start(ServiceServer.builder("api"));

        var required = post("/orders", "");
        var optional = post("/orders/optional", "");

        assertThat(required.statusCode()).isEqualTo(400);
        assertThat(json(required).get("error").asText()).isEqualTo("the request needs a JSON body");
        assertThat(optional.statusCode()).isEqualTo(202);
        assertThat(json(optional).get("data").get("item").asText()).isEqualTo("default");
        assertThat(json(optional).get("message").asText()).isEqualTo("queued");
    }

    @Test
    void bodyOverTheLimitIs413InTheEnvelope() throws Exception {
        start(ServiceServer.builder("models").maxPayloadSize(100));

        var response = post("/orders", "{\"item\": \"" + "x".repeat(200) + "\", \"quantity\": 1}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("success").asBoolean()).isFalse();
    }

    @Test
    void closeReleasesThePort() throws Exception {
        start(ServiceServer.builder("api"));
        var port = server.port();
        assertThat(get("/health").statusCode()).isEqualTo(200);

        server.close();

        assertThat(server.isRunning()).isFalse();
        try (var socket = new java.net.ServerSocket(port)) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        server = null;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
