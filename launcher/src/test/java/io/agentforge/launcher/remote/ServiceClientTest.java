package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against a real HTTP server on a free port whose answers each test scripts: the remote is the edge of
 * the world here, the resilience policy is what is tested.
 */
class ServiceClientTest {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private ServiceClient client(Duration timeout) {
        return new ServiceClient("training", URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new ServiceClient.Settings(timeout, 3, Duration.ofMillis(10), Duration.ofSeconds(30), 50f, 4));
    }

    private void answer(String path, int status, String body) {
        server.createContext(path, exchange -> {
            calls.incrementAndGet();
            reply(exchange, status, body);
        });
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void returnsTheEnvelopesData() {
        answer("/jobs/1", 200, "{\"success\":true,\"data\":{\"job_id\":\"1\"},\"timestamp\":\"2026-11-26T17:00:00Z\"}");
        assertThat(client(Duration.ofSeconds(2)).get("/jobs/1", MAP)).containsEntry("job_id", "1");
    }

    @Test
    void mapsRemoteErrorsBackToTheContractExceptions() {
        answer("/missing", 404, "{\"success\":false,\"error\":\"job x not found\"}");
        answer("/bad", 400, "{\"success\":false,\"error\":\"invalid max_steps\",\"data\":{\"field\":\"max_steps\"}}");
        answer("/busy", 409, "{\"success\":false,\"error\":\"missing\",\"data\":{\"required_phase\":\"cognate\"}}");
        var client = client(Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.get("/missing", MAP)).isInstanceOf(NotFoundException.class)
                .hasMessage("job x not found");
        assertThatThrownBy(() -> client.post("/bad", Map.of(), false, MAP)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("max_steps"));
        assertThatThrownBy(() -> client.post("/busy", Map.of(), false, MAP)).isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(((ConflictException) e).details()).containsEntry("required_phase", "cognate"));
        assertThat(client.circuitState()).as("4xx answers do not count against the remote")
                .isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retriesIdempotentCallsWithBackoffUntilTheRemoteRecovers() {
        server.createContext("/flaky", exchange -> {
            if (calls.incrementAndGet() < 3) {
                reply(exchange, 503, "{\"success\":false,\"error\":\"starting\"}");
            } else {
                reply(exchange, 200, "{\"success\":true,\"data\":{\"ok\":true}}");
            }
        });
        assertThat(client(Duration.ofSeconds(2)).get("/flaky", MAP)).containsEntry("ok", true);
        assertThat(calls).hasValue(3);
    }

    @Test
    void neverRetriesACallThatIsNotIdempotent() {
        answer("/jobs", 503, "{\"success\":false,\"error\":\"overloaded\"}");
        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).post("/jobs", Map.of(), false, MAP))
                .isInstanceOf(DependencyUnavailableException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anUnreachableRemoteIsADependencyFailureNamingIt() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var client = new ServiceClient("models", URI.create("http://127.0.0.1:" + closedPort),
                new ServiceClient.Settings(Duration.ofSeconds(1), 2, Duration.ofMillis(10), Duration.ofSeconds(7), 50f, 4));
        assertThatThrownBy(() -> client.get("/models", MAP)).isInstanceOf(DependencyUnavailableException.class)
                .hasMessageStartingWith("models is unavailable")
                .satisfies(e -> assertThat(((DependencyUnavailableException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void aSlowRemoteTimesOut() {
        server.createContext("/slow", exchange -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "{\"success\":true,\"data\":{}}");
        });
        var client = new ServiceClient("training", URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new ServiceClient.Settings(Duration.ofMillis(200), 1, Duration.ofMillis(10), Duration.ofSeconds(30), 50f, 4));
        assertThatThrownBy(() -> client.get("/slow", MAP)).isInstanceOf(DependencyUnavailableException.class);
    }

    @Test
    void anOpenCircuitStopsCallingTheRemote() {
        answer("/down", 503, "{\"success\":false,\"error\":\"down\"}");
        var client = client(Duration.ofSeconds(2));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> client.post("/down", Map.of(), false, MAP))
                    .isInstanceOf(DependencyUnavailableException.class);
        }
        assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        int before = calls.get();
        assertThatThrownBy(() -> client.get("/down", MAP)).isInstanceOf(DependencyUnavailableException.class)
                .satisfies(e -> assertThat(((DependencyUnavailableException) e).retryAfter()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(calls.get()).as("no request reaches a remote behind an open circuit").isEqualTo(before);
    }
}
