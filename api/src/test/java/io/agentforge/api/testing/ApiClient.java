package io.agentforge.api.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real HTTP calls to a running API service. Every JSON answer is checked against the OpenAPI document (status,
 * headers, body schema) with swagger-request-validator, so a test that passes also proves the document tells the
 * truth about that answer.
 */
public final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(document())
            // The validator would treat every schema as closed (additionalProperties: false), which makes each branch
            // of an allOf (envelope + data) refuse the other's fields; the document's own schemas decide instead.
            .withLevelResolver(LevelResolver.create()
                    .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                    .build())
            .build();

    private final URI base;

    public ApiClient(int port) {
        this.base = URI.create("http://localhost:" + port);
    }

    /** An answer: status, headers and the body parsed as JSON (null when it is not JSON). */
    public record Reply(int status, HttpHeaders headers, String text, JsonNode json) {
        public JsonNode data() {
            return json.get("data");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Reply get(String path) {
        return send("GET", path, null, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json, null);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** Sends without checking the answer against the document (for answers the document cannot describe). */
    public HttpResponse<byte[]> raw(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    public Reply send(String method, String path, String json, String origin) {
        var builder = request(path).method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        var response = raw(builder);
        var text = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode parsed = null;
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            try {
                parsed = Json.mapper().readTree(text);
            } catch (IOException e) {
                throw new AssertionError("the answer claims JSON but is not: " + text, e);
            }
            validate(method, path, json, response, text);
        }
        return new Reply(response.statusCode(), response.headers(), text, parsed);
    }

    private static void validate(String method, String path, String json, HttpResponse<byte[]> response, String text) {
        var uri = URI.create(path);
        var request = new SimpleRequest.Builder(Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), uri.getPath());
        if (uri.getQuery() != null) {
            for (var pair : uri.getQuery().split("&")) {
                var parts = pair.split("=", 2);
                request.withQueryParam(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        if (json != null) {
            request.withContentType("application/json").withBody(json);
        }
        var reply = SimpleResponse.Builder.status(response.statusCode()).withBody(text);
        response.headers().map().forEach((name, values) -> reply.withHeader(name, values));
        var report = VALIDATOR.validateResponse(uri.getPath(), request.build().getMethod(), reply.build());
        assertThat(report.getMessages())
                .as("%s %s answered %s %s, which the OpenAPI document does not describe", method, path,
                        response.statusCode(), text)
                .isEmpty();
    }

    private static String document() {
        try {
            var yaml = Path.of(ApiClient.class.getClassLoader().getResource("openapi/openapi.yaml").toURI());
            return Files.readString(yaml);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the OpenAPI document", e);
        }
    }
}
