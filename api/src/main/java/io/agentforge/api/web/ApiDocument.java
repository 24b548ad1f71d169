package io.agentforge.api.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The OpenAPI 3.1 description of the public API, kept as YAML in the resources ({@value #RESOURCE}) and served as
 * JSON. Parsed once at start-up: a broken document stops the service instead of serving nonsense.
 */
public final class ApiDocument {
    public static final String RESOURCE = "openapi/openapi.yaml";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

    private final JsonNode document;
    private final byte[] json;

    private ApiDocument(JsonNode document) {
        this.document = document;
        try {
            this.json = Json.mapper().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ApiDocument load() {
        try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the classpath");
            }
            return new ApiDocument(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document " + RESOURCE, e);
        }
    }

    /** The document as JSON bytes, ready to send. */
    public byte[] json() {
        return json.clone();
    }

    public String title() {
        return document.path("info").path("title").asText();
    }

    public String version() {
        return document.path("info").path("version").asText();
    }

    /** Every documented operation as {@code METHOD /path}, in document order. */
    public List<String> operations() {
        var operations = new ArrayList<String>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                operations.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }
}
