package io.agentforge.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.errors.ServiceException;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.api.ApiResponse;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The one place where failures become HTTP responses, every one in the {@code ApiResponse} envelope: a
 * {@link ServiceException} gets the status of its kind, Helidon's own errors (no such route, bad request line) keep
 * their status, and anything else is our fault: a 500 with a generic message, and the stack trace in the log.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    /** The HTTP status of each kind of service failure; exhaustive because the hierarchy is sealed. */
    public static Status status(ServiceException failure) {
        return switch (failure) {
            case InvalidRequestException ignored -> Status.BAD_REQUEST_400;
            case NotFoundException ignored -> Status.NOT_FOUND_404;
            case ConflictException ignored -> Status.CONFLICT_409;
            case PayloadTooLargeException ignored -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case DependencyUnavailableException ignored -> Status.SERVICE_UNAVAILABLE_503;
            case NotImplementedException ignored -> Status.NOT_IMPLEMENTED_501;
        };
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ServiceException.class, ErrorMapping::serviceFailure)
                .error(HttpException.class, ErrorMapping::httpFailure)
                .error(Exception.class, ErrorMapping::unexpected);
    }

    /**
     * Failures Helidon answers before routing (a body over the size limit, a malformed request line) get the same
     * envelope as the rest.
     */
    static DirectHandlers directHandlers(long maxPayloadSize) {
        var handlers = DirectHandlers.builder();
        for (var event : DirectHandler.EventType.values()) {
            handlers.addHandler(event, (request, type, status, headers, message) -> {
                // Helidon reports an over-long body as BAD_REQUEST with status 413 and no message.
                var tooLarge = type == DirectHandler.EventType.PAYLOAD_TOO_LARGE
                        || status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code();
                var error = tooLarge ? "the request body exceeds the limit of " + maxPayloadSize + " bytes"
                        : type == DirectHandler.EventType.BAD_REQUEST && message != null && !message.isBlank()
                        ? "bad request: " + message
                        : status.reasonPhrase();
                return DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderValues.CONTENT_TYPE_JSON)
                        .entity(Json.write(ApiResponse.failure(error, Map.of())))
                        .build();
            });
        }
        return handlers.build();
    }

    private static void serviceFailure(ServerRequest req, ServerResponse res, ServiceException failure) {
        if (failure instanceof DependencyUnavailableException unavailable) {
            // At least one second: Retry-After: 0 invites a client to hammer a dependency that is down.
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, unavailable.retryAfter().toSeconds())));
        }
        Exchange.failure(res, status(failure), failure.getMessage(), failure.details());
    }

    private static void httpFailure(ServerRequest req, ServerResponse res, HttpException failure) {
        var status = failure.status();
        var message = status == Status.NOT_FOUND_404
                ? "no route for " + req.prologue().method().text() + " " + req.path().path()
                : failure.getMessage();
        Exchange.failure(res, status, message, Map.of());
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception failure) {
        // Body readers may wrap a Jackson failure; it is still the caller's malformed JSON, not our fault.
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                serviceFailure(req, res, Exchange.invalidJson(json));
                return;
            }
            if (cause instanceof ServiceException serviceException) {
                serviceFailure(req, res, serviceException);
                return;
            }
        }
        LOG.error("{} {} failed", req.prologue().method().text(), req.path().path(), failure);
        Exchange.failure(res, Status.INTERNAL_SERVER_ERROR_500,
                "internal server error; the service's log has the details", Map.of());
    }
}
