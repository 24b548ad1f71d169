package io.agentforge.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The REST client of one service (the public API, or Monitoring for {@code forge top}). It unwraps the
 * {@code APIResponse} envelope: a success gives its {@code data}, an error status becomes an {@link ApiException},
 * and no answer within the connect timeout a {@link ServerUnreachableException}.
 */
public final class ForgeClient {
    /** A server that does not accept the connection within this is unreachable (exit 5 within 5 s). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = Json.mapper();

    private final URI base;
    private final Optional<String> token;
    private final HttpClient http;

    public ForgeClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI base() {
        return base;
    }

    public Optional<String> token() {
        return token;
    }

    public JsonNode get(String path) {
        return send(request(path).GET(), "GET " + path, READ_TIMEOUT);
    }

    public JsonNode post(String path, Object body) {
        return post(path, body, READ_TIMEOUT);
    }

    /** A POST that may take long on the server, e.g. a chat reply generated on a CPU. */
    public JsonNode post(String path, Object body, Duration timeout) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))), "POST " + path, timeout);
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE(), "DELETE " + path, READ_TIMEOUT);
    }

    /** Streams a download to a file (through a temporary one beside it); returns the response's headers. */
    public Map<String, String> download(String path, Path target) {
        var what = "GET " + path;
        var response = exchange(request(path).GET().timeout(Duration.ofMinutes(30)), what,
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 400) {
                throw error(response.statusCode(), what, body.readAllBytes());
            }
            var partial = target.resolveSibling(target.getFileName() + ".part");
            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + path + " to " + target + " failed: " + e.getMessage(), e);
        }
        return response.headers().map().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.join(",", entry.getValue())));
    }

    /** A query string of the non-null values, e.g. {@code ?phase=cognate&limit=20}. */
    public static String query(Map<String, Object> parameters) {
        var text = parameters.entrySet().stream().filter(entry -> entry.getValue() != null)
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(String.valueOf(entry.getValue()),
                        StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return text.isEmpty() ? "" : "?" + text;
    }

    private HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .header("User-Agent", "forge-cli");
        token.ifPresent(value -> builder.header("Authorization", "Bearer " + value));
        return builder;
    }

    private JsonNode send(HttpRequest.Builder request, String what, Duration timeout) {
        var response = exchange(request.timeout(timeout), what, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), what, response.body());
        }
        var body = parse(response.body(), what);
        // The envelope's data; a body that is no envelope (e.g. GET /health) is the answer itself.
        return body.isObject() && body.has("success") && body.has("data") ? body.get("data") : body;
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, String what, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (HttpConnectTimeoutException e) {
            throw new ServerUnreachableException("no answer from " + base + " within " + CONNECT_TIMEOUT.toSeconds()
                    + " s (" + what + ")");
        } catch (ConnectException e) {
            throw new ServerUnreachableException("cannot connect to " + base + " (" + what + "): "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()));
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || reason(e).contains("UnresolvedAddress")) {
                throw new ServerUnreachableException("unknown host in " + base);
            }
            throw new ServerUnreachableException(what + " at " + base + " failed: " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }

    private static ApiException error(int status, String what, byte[] body) {
        try {
            var json = JSON.readTree(body);
            var error = json.path("error").asText(json.path("message").asText(""));
            return new ApiException(status, what, error.isEmpty() ? new String(body, StandardCharsets.UTF_8).strip()
                    : error, json.get("data"));
        } catch (IOException e) {
            return new ApiException(status, what, new String(body, StandardCharsets.UTF_8).strip(), null);
        }
    }

    private static JsonNode parse(byte[] body, String what) {
        try {
            return body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the answer to " + what + " is not JSON: " + e.getMessage());
        }
    }

    private static String reason(Throwable e) {
        var root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
