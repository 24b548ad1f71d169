package io.agentforge.launcher.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Makes hostile requests for an operation from a seeded {@link Random}: a request shaped by the document, then broken
 * the way attackers and broken clients break them (wrong types, nulls, huge or deeply nested values, traversal and
 * injection strings in paths and queries, truncated or non-JSON bodies, odd content types, unknown methods).
 */
final class HostileRequests {
    /** One request, ready to send. */
    record Request(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        String describe() {
            var text = body == null ? "" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
            return method + " " + (pathAndQuery.length() > 200 ? pathAndQuery.substring(0, 200) + "..." : pathAndQuery)
                    + " " + headers + " " + text.replace('\n', ' ');
        }
    }

    private static final String[] HOSTILE_TEXT = {
            "", " ", "..", "../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "a/b", "a\\b", "\u0000",
            "a\u0000b", "null", "undefined", "-1", "0", "1e309", "NaN", "9223372036854775808",
            "-9223372036854775809", "' OR '1'='1", "\"; DROP TABLE models; --", "<script>alert(1)</script>",
            "${jndi:ldap://x/a}", "%s%s%s%n", "\u202egnp.exe", "\uD83D\uDCA9", "\uFFFF", "\uD800", "true", "[]",
            "{}", "cognate", "COGNATE", "forge-training ", "x".repeat(300), "y".repeat(5000),
            "00000000-0000-0000-0000-000000000000", "123e4567-e89b-42d3-a456-426614174000", "*", "?", "#", "~", "%",
    };
    private static final String[] CONTENT_TYPES = {
            "application/json", "application/json", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/octet-stream", "application/json; charset=utf-16",
            "application/xml", "", "*/*",
    };
    private static final String[] OTHER_METHODS = {"PUT", "PATCH", "DELETE", "POST", "GET", "OPTIONS", "TRACE"};

    private final Random random;

    HostileRequests(long seed) {
        this.random = new Random(seed);
    }

    Request next(OpenApiOperations.Operation operation) {
        var method = random.nextInt(12) == 0 ? pick(OTHER_METHODS) : operation.method();
        var path = operation.path();
        var query = new ArrayList<String>();
        for (var parameter : operation.parameters()) {
            switch (parameter.in()) {
                case "path" -> path = path.replace("{" + parameter.name() + "}", encode(pathValue(parameter.schema())));
                case "query" -> {
                    if (parameter.required() || random.nextBoolean()) {
                        query.add(encode(parameter.name()) + "=" + encode(value(parameter.schema())));
                    }
                }
                default -> {
                    // Header parameters (the WebSocket's Upgrade) are left to the headers below.
                }
            }
        }
        if (random.nextInt(6) == 0) {
            query.add(encode(pick(HOSTILE_TEXT)) + "=" + encode(pick(HOSTILE_TEXT)));
        }
        if (random.nextInt(10) == 0 && !query.isEmpty()) {
            query.add(query.getFirst());
        }
        var headers = new LinkedHashMap<String, String>();
        byte[] body = null;
        if (operation.mediaType().isPresent() || random.nextInt(8) == 0) {
            var binary = operation.mediaType().filter(type -> type.equals("application/octet-stream")).isPresent();
            body = binary ? bytes() : jsonBody(operation.bodySchema());
            var contentType = random.nextInt(3) == 0 ? pick(CONTENT_TYPES) : operation.mediaType().orElse("application/json");
            if (!contentType.isEmpty()) {
                headers.put("Content-Type", contentType);
            }
        }
        if (random.nextInt(10) == 0) {
            headers.put("Accept", pick(new String[]{"text/html", "application/xml", "*/*", "application/json;q=0"}));
        }
        if (random.nextInt(15) == 0) {
            headers.put("Authorization", pick(new String[]{"Bearer ", "Bearer a.b.c", "Basic Zm9vOmJhcg==",
                    "Bearer " + "x".repeat(4000)}));
        }
        var pathAndQuery = query.isEmpty() ? path : path + "?" + String.join("&", query);
        return new Request(method, pathAndQuery, headers, body);
    }

    /** Mostly hostile, sometimes what the schema asks for (so that the route gets past its first check). */
    private String pathValue(JsonNode schema) {
        if (random.nextInt(3) == 0) {
            return value(schema);
        }
        return pick(HOSTILE_TEXT);
    }

    private String value(JsonNode schema) {
        if (random.nextInt(3) == 0) {
            return pick(HOSTILE_TEXT);
        }
        var generated = generate(schema, 0);
        return generated.isTextual() ? generated.asText() : generated.toString();
    }

    private byte[] bytes() {
        var bytes = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(64 * 1024)];
        random.nextBytes(bytes);
        if (bytes.length > 4 && random.nextBoolean()) {
            // A zip's local header, so that some uploads get as far as being unpacked.
            bytes[0] = 'P';
            bytes[1] = 'K';
            bytes[2] = 3;
            bytes[3] = 4;
        }
        return bytes;
    }

    /** A body shaped by the schema and then broken, or a body that is broken from the start. */
    private byte[] jsonBody(JsonNode schema) {
        return switch (random.nextInt(10)) {
            case 0 -> pick(new String[]{"null", "[]", "42", "\"text\"", "true", "{", "}", "{\"a\":", "", "   ",
                    "{\"a\":1}}", "{'a': 1}", "\uFEFF{}", "{\"a\":1,\"a\":2}", "[null]", "{\"\u0000\":null}"})
                    .getBytes(StandardCharsets.UTF_8);
            case 1 -> switch (random.nextInt(4)) {
                case 0 -> "[".repeat(5_000).getBytes(StandardCharsets.US_ASCII);
                case 1 -> ("{\"a\":" .repeat(3_000) + "1" + "}".repeat(3_000)).getBytes(StandardCharsets.US_ASCII);
                case 2 -> new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
                default -> ("{\"big\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
            };
            default -> Json.write(mutate(generate(schema, 0))).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Replaces one value somewhere in the tree with a hostile one, or adds an unknown field. */
    private JsonNode mutate(JsonNode node) {
        if (!node.isObject() || node.isEmpty() || random.nextInt(5) == 0) {
            return random.nextInt(4) == 0 ? hostileValue() : node;
        }
        var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
        if (random.nextInt(6) == 0) {
            object.set(pick(HOSTILE_TEXT), hostileValue());
            return object;
        }
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        var name = names.get(random.nextInt(names.size()));
        object.set(name, object.get(name).isObject() && random.nextBoolean() ? mutate(object.get(name)) : hostileValue());
        return object;
    }

    private JsonNode hostileValue() {
        var factory = Json.mapper().getNodeFactory();
        return switch (random.nextInt(14)) {
            case 0 -> factory.nullNode();
            case 1 -> factory.textNode(pick(HOSTILE_TEXT));
            case 2 -> factory.numberNode(-1);
            case 3 -> factory.numberNode(Long.MAX_VALUE);
            case 4 -> factory.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 5 -> factory.numberNode(new java.math.BigDecimal("1e400"));
            case 6 -> factory.numberNode(-0.0);
            case 7 -> factory.booleanNode(random.nextBoolean());
            case 8 -> factory.arrayNode().add(factory.nullNode()).add(1).add("x");
            case 9 -> factory.objectNode().set("x", factory.objectNode().putNull("y"));
            case 10 -> factory.textNode("z".repeat(100_000));
            case 11 -> factory.numberNode(Integer.MIN_VALUE);
            case 12 -> {
                var map = factory.objectNode();
                map.putNull(pick(new String[]{"max_steps", "seed", "dataset", "parameter_count", "model_preset"}));
                yield map;
            }
            default -> factory.numberNode(random.nextGaussian() * 1e12);
        };
    }

    /** A value the schema describes: an enum's member, a number in range, an object with its properties. */
    private JsonNode generate(JsonNode schema, int depth) {
        var factory = Json.mapper().getNodeFactory();
        if (schema == null || schema.isMissingNode() || depth > 6) {
            return factory.objectNode();
        }
        if (schema.has("enum")) {
            var values = schema.get("enum");
            return values.get(random.nextInt(values.size()));
        }
        var type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> {
                var object = factory.objectNode();
                var required = new ArrayList<String>();
                schema.path("required").forEach(name -> required.add(name.asText()));
                schema.path("properties").fields().forEachRemaining(field -> {
                    if (required.contains(field.getKey()) || random.nextBoolean()) {
                        object.set(field.getKey(), generate(field.getValue(), depth + 1));
                    }
                });
                yield object;
            }
            case "array" -> {
                var array = factory.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.add(generate(schema.get("items"), depth + 1));
                }
                yield array;
            }
            case "integer" -> factory.numberNode(random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(100));
            case "number" -> factory.numberNode(random.nextDouble() * (random.nextBoolean() ? 1 : 1e6));
            case "boolean" -> factory.booleanNode(random.nextBoolean());
            default -> factory.textNode(schema.path("format").asText().equals("uuid") ? UUID.randomUUID().toString()
                    : "fuzz-" + Integer.toString(random.nextInt(1_000_000), 36));
        };
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> hostileSamples() {
        return List.of(HOSTILE_TEXT);
    }
}
