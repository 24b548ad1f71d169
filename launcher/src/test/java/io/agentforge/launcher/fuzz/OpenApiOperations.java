package io.agentforge.launcher.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operations an OpenAPI document describes, with {@code $ref}s and {@code allOf}s resolved: what the fuzzer needs
 * to build a request (method, path template, parameters and their schemas, the body's media type and schema).
 */
record OpenApiOperations(String service, List<Operation> operations) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    record Parameter(String name, String in, boolean required, JsonNode schema) {
    }

    record Operation(String method, String path, List<Parameter> parameters, Optional<String> mediaType,
                     JsonNode bodySchema) {
        String id() {
            return method + " " + path;
        }
    }

    /** Reads a document from the class path, e.g. {@code openapi/models.yaml}. */
    static OpenApiOperations load(String service, String resource) {
        try (var in = OpenApiOperations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no OpenAPI document " + resource + " on the class path");
            }
            var document = YAML.readTree(in);
            var operations = new ArrayList<Operation>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
                var path = paths.next();
                var shared = parameters(document, path.getValue().path("parameters"));
                for (var entry : (Iterable<Map.Entry<String, JsonNode>>) () -> path.getValue().fields()) {
                    if (!METHODS.contains(entry.getKey())) {
                        continue;
                    }
                    var operation = entry.getValue();
                    var parameters = new ArrayList<>(shared);
                    parameters.addAll(parameters(document, operation.path("parameters")));
                    var content = resolve(document, operation.path("requestBody")).path("content");
                    var mediaType = content.fieldNames().hasNext() ? Optional.of(content.fieldNames().next())
                            : Optional.<String>empty();
                    var schema = mediaType.map(type -> resolve(document, content.get(type).path("schema")))
                            .orElse(null);
                    operations.add(new Operation(entry.getKey().toUpperCase(), path.getKey(), parameters, mediaType,
                            schema));
                }
            }
            return new OpenApiOperations(service, operations);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Parameter> parameters(JsonNode document, JsonNode list) {
        var parameters = new ArrayList<Parameter>();
        for (var node : list) {
            var parameter = resolve(document, node);
            parameters.add(new Parameter(parameter.get("name").asText(), parameter.get("in").asText(),
                    parameter.path("required").asBoolean(false), resolve(document, parameter.path("schema"))));
        }
        return parameters;
    }

    /** Follows {@code $ref}s and merges {@code allOf}s, all the way down. */
    static JsonNode resolve(JsonNode document, JsonNode node) {
        return resolve(document, node, 0);
    }

    private static JsonNode resolve(JsonNode document, JsonNode node, int depth) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return node;
        }
        if (depth > 32) {
            // A schema that contains itself: deep enough for any request we generate.
            return YAML.createObjectNode();
        }
        if (node.has("$ref")) {
            return resolve(document, document.at(node.get("$ref").asText().substring(1)), depth + 1);
        }
        if (!node.isObject()) {
            return node;
        }
        var copy = (ObjectNode) node.deepCopy();
        if (copy.has("allOf")) {
            var merged = YAML.createObjectNode();
            var properties = YAML.createObjectNode();
            for (var part : copy.get("allOf")) {
                var resolved = resolve(document, part, depth + 1);
                resolved.fields().forEachRemaining(field -> {
                    if (field.getKey().equals("properties")) {
                        properties.setAll((ObjectNode) field.getValue());
                    } else {
                        merged.set(field.getKey(), field.getValue());
                    }
                });
            }
            merged.set("properties", properties);
            copy.remove("allOf");
            merged.setAll(copy);
            copy = merged;
        }
        var properties = copy.get("properties");
        if (properties instanceof ObjectNode objectProperties) {
            var resolved = YAML.createObjectNode();
            objectProperties.fields().forEachRemaining(f -> resolved.set(f.getKey(), resolve(document, f.getValue(), depth + 1)));
            copy.set("properties", resolved);
        }
        if (copy.has("items")) {
            copy.set("items", resolve(document, copy.get("items"), depth + 1));
        }
        return copy;
    }
}
