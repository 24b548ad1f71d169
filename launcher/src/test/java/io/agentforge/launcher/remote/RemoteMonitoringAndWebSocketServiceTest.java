package io.agentforge.launcher.remote;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Monitoring and WebSocket clients against a real HTTP server on a free port that answers their routes with the
 * bodies those services send: what is checked is the paths, the query parameters and the decoding.
 */
class RemoteMonitoringAndWebSocketServiceTest {
    private static final String NOW = "2026-11-26T18:00:00Z";
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var target = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(target);
            var answer = answer(target);
            var bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Answer(int status, String body) {
    }

    private static Answer answer(String target) {
        var alert = "{\"alert_id\":\"a1\",\"severity\":\"warning\",\"service\":\"system\",\"message\":\"cpu at 91 percent\","
                + "\"timestamp\":\"" + NOW + "\",\"resolved\":%s,\"metadata\":{\"cpu\":0.91}}";
        var metrics = "{\"cpu_usage\":0.5,\"memory_usage\":0.25,\"disk_usage\":0.1,\"network_io\":{\"bytes_sent\":1,"
                + "\"bytes_recv\":2,\"packets_sent\":3,\"packets_recv\":4},\"timestamp\":\"" + NOW + "\"}";
        return switch (target) {
            case "GET /services/health" -> ok("[{\"service_name\":\"training\",\"status\":\"degraded\","
                    + "\"response_time\":12.5,\"last_check\":\"" + NOW + "\",\"error_rate\":0.1,\"uptime_percentage\":90}]");
            case "GET /metrics/system?limit=0" -> ok("{\"current\":" + metrics + ",\"history\":[]}");
            case "GET /alerts?active=true" -> ok("[" + alert.formatted("false") + "]");
            case "POST /alerts/a1/resolve" -> ok(alert.formatted("true"));
            case "POST /alerts/nope/resolve" -> new Answer(404, "{\"success\":false,\"error\":\"alert nope not found\"}");
            case "GET /stats" -> ok("{\"active_connections\":3,\"total_connections\":10,\"total_messages_sent\":99,"
                    + "\"topic_count\":2,\"uptime_seconds\":5.5,\"average_messages_per_connection\":9.9}");
            case "GET /connections" -> ok("[{\"connection_id\":\"c1\",\"connected_at\":\"" + NOW + "\","
                    + "\"client_ip\":\"127.0.0.1\",\"user_agent\":null,\"subscriptions\":[\"pipeline\"]}]");
            case "GET /health" -> new Answer(503, "{\"service\":\"monitoring\",\"status\":\"unhealthy\",\"checks\":{},"
                    + "\"uptime_seconds\":1,\"timestamp\":\"" + NOW + "\"}");
            default -> new Answer(404, "{\"success\":false,\"error\":\"no route for " + target + "\"}");
        };
    }

    private static Answer ok(String data) {
        return new Answer(200, "{\"success\":true,\"data\":" + data + ",\"timestamp\":\"" + NOW + "\"}");
    }

    private ServiceClient client(String name) {
        return new ServiceClient(name, URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new ServiceClient.Settings(Duration.ofSeconds(2), 2, Duration.ofMillis(10), Duration.ofSeconds(5), 50f, 10));
    }

    @Test
    void monitoringCallsItsRoutesAndDecodesTheirAnswers() {
        var monitoring = new RemoteMonitoringService(client("monitoring"));

        var health = monitoring.servicesHealth();
        var metrics = monitoring.systemMetrics();
        var open = monitoring.alerts(true);
        var resolved = monitoring.resolve("a1");

        assertThat(health).singleElement().satisfies(h -> {
            assertThat(h.serviceName()).isEqualTo("training");
            assertThat(h.status()).isEqualTo(ServiceStatus.DEGRADED);
        });
        assertThat(metrics.cpuUsage()).isEqualTo(0.5);
        assertThat(metrics.networkIo().packetsRecv()).isEqualTo(4);
        assertThat(open).singleElement().satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
        assertThat(resolved.resolved()).isTrue();
        assertThat(monitoring.health().status()).as("an unhealthy report is still a report").isEqualTo(ServiceStatus.UNHEALTHY);
        assertThatThrownBy(() -> monitoring.resolve("nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void webSocketCallsItsRoutesAndDecodesTheirAnswers() {
        var websocket = new RemoteWebSocketService(client("websocket"));

        var stats = websocket.stats();
        var connections = websocket.connections();

        assertThat(stats.activeConnections()).isEqualTo(3);
        assertThat(stats.totalMessagesSent()).isEqualTo(99);
        assertThat(connections).singleElement().satisfies(c -> {
            assertThat(c.connectionId()).isEqualTo("c1");
            assertThat(c.subscriptions()).containsExactly("pipeline");
        });
        assertThat(requests).containsExactly("GET /stats", "GET /connections");
    }
}
