package io.agentforge.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A real HTTP client for tests of a running server on localhost, shared with the service modules through the
 * platform's test jar. Uses the JDK's client so that a test goes through the whole server, sockets included.
 */
public final class WebTestClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    private WebTestClient(int port) {
        this.port = port;
    }

    public static WebTestClient of(ServiceServer server) {
        return new WebTestClient(server.port());
    }

    public static WebTestClient of(int port) {
        return new WebTestClient(port);
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply post(String path, String json) {
        return send(withBody(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json"), "POST",
                json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Any request: method, extra headers (e.g. Authorization, Origin), and a body (null for none). */
    public Reply send(String method, String path, Map<String, String> headers, String body) {
        var request = withBody(HttpRequest.newBuilder(uri(path)), method,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return send(request);
    }

    private static final int LARGE_BODY = 64 * 1024;

    /**
     * The method and body (null for none) of a test request. A large body waits for the server's word (Expect:
     * 100-continue), as a real client's should: a server that refuses it by its Content-Length answers and closes at
     * once, and a client still writing the body then reads a reset instead of the answer (seen on a loaded machine).
     */
    public static HttpRequest.Builder withBody(HttpRequest.Builder request, String method, byte[] body) {
        return request.expectContinue(body != null && body.length > LARGE_BODY).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            var response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What came back. */
    public record Reply(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }
}
