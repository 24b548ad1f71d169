package io.agentforge.launcher.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.launcher.Wiring;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends {@value #PER_SERVICE} generated hostile requests to each of the five services (all running for real in one
 * process, from their own OpenAPI documents, the internal ones included) and holds every answer to two rules: no 5xx
 * but 503 (a dependency that is down), and every error in the {@code ApiResponse} envelope. The seed is printed, so a
 * failure can be replayed with {@code -Dfuzz.seed=...}.
 */
class HostileRequestFuzzTest {
    static final int PER_SERVICE = Integer.getInteger("fuzz.perService", 2_200);
    private static final int IN_FLIGHT = 8;
    private static final Map<ServiceName, String> DOCUMENTS = Map.of(
            ServiceName.API, "openapi/openapi.yaml",
            ServiceName.TRAINING, "openapi/training.yaml",
            ServiceName.MODELS, "openapi/models.yaml",
            ServiceName.WEBSOCKET, "openapi/websocket.yaml",
            ServiceName.MONITORING, "openapi/monitoring.yaml");

    @TempDir
    Path dir;

    /** A broken rule: the request that broke it and what came back. */
    record Violation(String service, String request, int status, String answer) {
    }

    @Test
    void noHostileRequestGetsA5xxButA503AndEveryErrorIsInTheEnvelope() throws Exception {
        var seed = Long.getLong("fuzz.seed", System.nanoTime());
        var config = AgentForgeConfig.fromEnvironment(Map.ofEntries(
                Map.entry("DATA_DIR", dir.resolve("data").toString()),
                Map.entry("STORAGE_PATH", dir.resolve("models").toString()),
                Map.entry("API_SERVICE_PORT", "0"), Map.entry("TRAINING_SERVICE_PORT", "0"),
                Map.entry("MODEL_SERVICE_PORT", "0"), Map.entry("WEBSOCKET_SERVICE_PORT", "0"),
                Map.entry("MONITORING_SERVICE_PORT", "0"), Map.entry("MAX_CONCURRENT_JOBS", "1"),
                Map.entry("MAX_FILE_SIZE", "4MB")));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var violations = new ConcurrentLinkedQueue<Violation>();
        var statuses = new TreeMap<String, AtomicInteger>();
        var sent = new TreeMap<ServiceName, Integer>();
        var started = System.nanoTime();
        try (var wiring = Wiring.start(config, Wiring.allServices());
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var inFlight = new Semaphore(IN_FLIGHT);
            long serviceSeed = seed;
            for (var service : ServiceName.values()) {
                var operations = OpenApiOperations.load(service.id(), DOCUMENTS.get(service)).operations();
                assertThat(operations).as(service + " routes").isNotEmpty();
                var generator = new HostileRequests(serviceSeed++);
                var port = wiring.servers().get(service).port();
                for (int i = 0; i < PER_SERVICE; i++) {
                    var request = generator.next(operations.get(i % operations.size()));
                    inFlight.acquire();
                    executor.submit(() -> {
                        try {
                            var answer = send(http, port, request);
                            synchronized (statuses) {
                                statuses.computeIfAbsent(service.id() + " " + answer.statusCode(),
                                        key -> new AtomicInteger()).incrementAndGet();
                            }
                            check(request.method(), request.pathAndQuery(), answer.statusCode(),
                                    new String(answer.body(), StandardCharsets.UTF_8))
                                    .map(why -> new Violation(service.id(), request.describe(), answer.statusCode(),
                                            why))
                                    .ifPresent(violations::add);
                        } catch (RuntimeException | AssertionError e) {
                            violations.add(new Violation(service.id(), request.describe(), -1, e.toString()));
                        } finally {
                            inFlight.release();
                        }
                    });
                }
                sent.put(service, PER_SERVICE);
            }
            inFlight.acquire(IN_FLIGHT);
        }
        var seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("fuzz seed %d: %d requests (%s) in %.1f s; answers %s%n", seed,
                sent.values().stream().mapToInt(Integer::intValue).sum(), sent, seconds, statuses);
        assertThat(List.copyOf(violations)).as("seed " + seed).isEmpty();
        assertThat(sent.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(10_000);
    }

    private static HttpResponse<byte[]> send(HttpClient http, int port, HostileRequests.Request request) {
        var builder = WebTestClient.withBody(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + request.pathAndQuery())).timeout(Duration.ofSeconds(60)),
                request.method(), request.body());
        request.headers().forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.describe() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The two rules: what is wrong with the answer, or empty when it keeps them. */
    static java.util.Optional<String> check(String method, String pathAndQuery, int status, String body) {
        var shortBody = body.length() > 300 ? body.substring(0, 300) : body;
        if (status == 503 && pathAndQuery.split("\\?")[0].equals("/health")) {
            // Documented in every service's OpenAPI: /health answers its HealthReport, 503 when unhealthy (what load
            // balancers and Kubernetes read); on a loaded machine its checks can miss their 2 s bound.
            return isHealthReport(body) ? java.util.Optional.empty()
                    : java.util.Optional.of("a 503 from /health that is not a health report: " + shortBody);
        }
        // 501 is the contract's answer for a phase the server does not implement yet (our limitation, said in words).
        boolean notImplemented = status == 501 && body.contains("is not implemented yet");
        if (status >= 500 && status != 503 && !notImplemented) {
            return java.util.Optional.of("a server error: " + shortBody);
        }
        if (status >= 400 && !method.equals("HEAD")) {
            try {
                JsonNode envelope = Json.mapper().readTree(body);
                if (envelope == null || !envelope.path("success").isBoolean() || envelope.get("success").asBoolean()
                        || !envelope.path("error").isTextual()) {
                    return java.util.Optional.of("an error outside the envelope: " + shortBody);
                }
            } catch (IOException notJson) {
                return java.util.Optional.of("an error that is not JSON: " + shortBody);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean isHealthReport(String body) {
        try {
            JsonNode report = Json.mapper().readTree(body);
            return report != null && report.path("service").isTextual()
                    && java.util.Set.of("unhealthy", "maintenance").contains(report.path("status").asText());
        } catch (IOException notJson) {
            return false;
        }
    }

    @Test
    void theRulesCatchAServerErrorAndAnErrorOutsideTheEnvelope() {
        var envelope = "{\"success\":false,\"data\":{},\"error\":\"no\",\"message\":null}";
        assertThat(check("GET", "/jobs", 500, envelope)).isPresent();
        assertThat(check("GET", "/jobs", 502, envelope)).isPresent();
        assertThat(check("POST", "/jobs", 404, "Not Found")).isPresent();
        assertThat(check("POST", "/jobs", 400, "{\"error\":\"x\"}")).isPresent();
        assertThat(check("GET", "/jobs", 503, envelope)).isEmpty();
        assertThat(check("POST", "/jobs", 501, "{\"success\":false,\"error\":\"phase adas is not implemented yet\"}")).isEmpty();
        assertThat(check("POST", "/jobs", 501, envelope)).isPresent();
        assertThat(check("GET", "/jobs", 413, envelope)).isEmpty();
        assertThat(check("GET", "/jobs", 200, "binary \u0000 bytes")).isEmpty();
        var unhealthy = "{\"service\":\"websocket\",\"status\":\"unhealthy\",\"checks\":{}}";
        assertThat(check("GET", "/health", 503, unhealthy)).isEmpty();
        assertThat(check("GET", "/health?x=1", 503, envelope)).isPresent();
        assertThat(check("GET", "/jobs", 503, unhealthy)).isPresent();
    }
}
