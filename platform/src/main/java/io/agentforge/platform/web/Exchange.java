package io.agentforge.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.api.ApiResponse;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.ServiceException;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.agentforge.contracts.errors.PayloadTooLargeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a handler does with a request and its response, in one line each: read the JSON body into a record, answer
 * with the {@link ApiResponse} envelope. Failures are thrown, not written here: {@link ErrorMapping} turns them into
 * the envelope with the right status, so a handler reads as "parse, call the service, answer".
 */
public final class Exchange {
    /** The largest JSON body any route reads: 1 MiB. Uploads stream and have their own limit. */
    public static final int MAX_JSON_BYTES = 1024 * 1024;

    private Exchange() {
    }

    /** 200 with the data in the envelope. */
    public static void ok(ServerResponse res, Object data) {
        json(res, Status.OK_200, ApiResponse.ok(data));
    }

    /** 200 with the data and a message for people in the envelope. */
    public static void ok(ServerResponse res, Object data, String message) {
        json(res, Status.OK_200, ApiResponse.ok(data, message));
    }

    /** 201: the data is a new resource. */
    public static void created(ServerResponse res, Object data) {
        json(res, Status.CREATED_201, ApiResponse.ok(data));
    }

    /** 202: the work was accepted and runs on (e.g. a queued training job). */
    public static void accepted(ServerResponse res, Object data, String message) {
        json(res, Status.ACCEPTED_202, ApiResponse.ok(data, message));
    }

    /** A failure envelope: {@code success: false}, the error for people, the details for programs. */
    public static void failure(ServerResponse res, Status status, String error, Object details) {
        json(res, status, ApiResponse.failure(error, details));
    }

    /** Any body as JSON with the contract's mapper, without the envelope (e.g. a health report). */
    public static void json(ServerResponse res, Status status, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Our own records failed to serialise: a bug of ours, so it surfaces as a 500 through ErrorMapping.
            throw new IllegalStateException("cannot write " + body.getClass().getName() + " as JSON", e);
        }
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(bytes);
    }

    /**
     * The request's JSON body as the given type.
     *
     * @throws InvalidRequestException (400) when the body is missing, is JSON {@code null}, is not JSON, or does not fit
     *                                 the type; the message says where and why
     * @throws PayloadTooLargeException (413) when it is larger than {@link #MAX_JSON_BYTES}
     */
    public static <T> T body(ServerRequest req, Class<T> type) {
        return bodyOr(req, type, () -> {
            throw new InvalidRequestException("body", "the request needs a JSON body");
        });
    }

    /**
     * The request's JSON body as the given type, or the default when the request has no body at all (clients of the
     * original API send bodyless POSTs where a body is optional).
     */
    public static <T> T bodyOr(ServerRequest req, Class<T> type, Supplier<T> whenEmpty) {
        if (!req.content().hasEntity()) {
            return whenEmpty.get();
        }
        // Any content type is read as JSON: curl -d sends form-encoded by default, and rejecting that helps nobody.
        // (Browsers cannot send a cross-site POST here: the frame refuses origins outside CORS_ORIGINS.)
        byte[] bytes = limited(req);
        if (blank(bytes)) {
            return whenEmpty.get();
        }
        T value;
        try {
            value = Json.mapper().readValue(bytes, type);
        } catch (IOException e) {
            throw invalidJson(e);
        }
        if (value == null) {
            throw new InvalidRequestException("body", "a JSON object", "null");
        }
        return value;
    }

    /** The body, at most {@link #MAX_JSON_BYTES} of it: a server that takes large uploads must not buffer large JSON. */
    private static byte[] limited(ServerRequest req) {
        if (req.headers().contentLength().orElse(0) > MAX_JSON_BYTES) {
            throw new PayloadTooLargeException("the JSON body", MAX_JSON_BYTES);
        }
        try (InputStream in = req.content().inputStream()) {
            var bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw new PayloadTooLargeException("the JSON body", MAX_JSON_BYTES);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean blank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Translates a Jackson failure into the 400 a caller can act on; a validation failure thrown by a record's
     * constructor while binding comes through as it was thrown.
     */
    static ServiceException invalidJson(IOException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceException serviceException) {
                return serviceException;
            }
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            var field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return new InvalidRequestException(field, "invalid value of " + field + " in the JSON body: "
                    + firstLine(mapping.getOriginalMessage()));
        }
        var location = e instanceof JsonProcessingException processing && processing.getLocation() != null
                ? " at line " + processing.getLocation().getLineNr() + ", column " + processing.getLocation().getColumnNr()
                : "";
        var message = e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage();
        return new InvalidRequestException("body", "malformed JSON body" + location + ": " + firstLine(message));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        var newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
