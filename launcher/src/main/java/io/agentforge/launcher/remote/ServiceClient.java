package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.errors.ServiceException;
import io.agentforge.platform.security.ServiceToken;
import io.agentforge.platform.trace.Trace;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An HTTP client of one remote service that speaks the {@code ApiResponse} envelope. Every call has a timeout and
 * goes through a circuit breaker; idempotent calls (GET, DELETE, and POSTs the caller marks idempotent) are retried
 * with exponential backoff when the remote is unreachable or answers 502/503/504. A remote 4xx comes back as the
 * same {@link ServiceException} the service would have thrown in-process; an unreachable remote or an open circuit
 * becomes {@link DependencyUnavailableException} naming the dependency, so the caller answers 503 with Retry-After.
 * Every call carries the current trace in a {@code traceparent} header.
 */
public final class ServiceClient {
    private final String dependency;
    private final URI baseUrl;
    private final Settings settings;
    private final HttpClient http;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Optional<ServiceToken> credential;

    /**
     * Tunables of the resilience policy.
     *
     * @param timeout         per request, connect and response
     * @param maxAttempts     of an idempotent call, the first included
     * @param initialBackoff  before the first retry; doubled for each next one
     * @param openDuration    how long an open circuit refuses calls before it lets one through
     * @param failureRate     percentage of failed calls in the window that opens the circuit
     * @param window          number of recent calls the failure rate is computed over
     */
    public record Settings(Duration timeout, int maxAttempts, Duration initialBackoff, Duration openDuration,
                           float failureRate, int window) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), 3, Duration.ofMillis(200), Duration.ofSeconds(10), 50f, 20);
        }
    }

    public ServiceClient(String dependency, URI baseUrl, Settings settings) {
        this(dependency, baseUrl, settings, Optional.empty());
    }

    /** A client that presents the deployment's service credential ({@code SERVICE_TOKEN}) on every call. */
    public ServiceClient(String dependency, URI baseUrl, Settings settings, Optional<ServiceToken> credential) {
        this.credential = credential;
        this.dependency = dependency;
        this.baseUrl = baseUrl.toString().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.breaker = CircuitBreaker.of(dependency, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(Math.min(5, settings.window()))
                .failureRateThreshold(settings.failureRate())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                // Only the remote's unavailability counts against it; a 4xx is the caller's mistake.
                .recordExceptions(RemoteUnavailable.class)
                .build());
        this.retry = Retry.of(dependency, RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), 2.0))
                .retryExceptions(RemoteUnavailable.class)
                .build());
    }

    public String dependency() {
        return dependency;
    }

    public CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    /** GET returning the envelope's data. */
    public <T> T get(String path, TypeReference<T> type) {
        return call(true, () -> request(path).GET(), type);
    }

    /** DELETE returning the envelope's data (idempotent). */
    public <T> T delete(String path, TypeReference<T> type) {
        return call(true, () -> request(path).DELETE(), type);
    }

    /** POST of a JSON body; retried only when {@code idempotent}. */
    public <T> T post(String path, Object body, boolean idempotent, TypeReference<T> type) {
        var json = body == null ? "{}" : Json.write(body);
        return call(idempotent, () -> request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), type);
    }

    /** POST of a raw byte stream (an upload); never retried, the stream can be read once. */
    public <T> T upload(String path, Supplier<InputStream> body, TypeReference<T> type) {
        return call(false, () -> request(path).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(body)), type);
    }

    /** GET of a raw byte stream (a download); the caller closes it. */
    public InputStream download(String path) {
        return guarded(true, () -> {
            var response = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 == 2) {
                return response.body();
            }
            try (var in = response.body()) {
                throw failure(response.statusCode(), new String(in.readAllBytes()));
            } catch (IOException e) {
                throw new RemoteUnavailable(e);
            }
        });
    }

    /**
     * GET of a body that is not in the envelope (e.g. {@code /health}); a 503 is read as a normal answer, since an
     * unhealthy report is still a report.
     */
    public <T> T getPlain(String path, Class<T> type) {
        return guarded(true, () -> {
            var response = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2 || response.statusCode() == 503) {
                return parse(response.body(), Json.mapper().constructType(type));
            }
            throw failure(response.statusCode(), response.body());
        });
    }

    private HttpRequest.Builder request(String path) {
        var relative = path.startsWith("/") ? path.substring(1) : path;
        // The callee's work belongs to the caller's trace (a new span of it; a new trace when there is none).
        var request = HttpRequest.newBuilder(baseUrl.resolve(relative)).timeout(settings.timeout())
                .header("Accept", "application/json")
                .header(Trace.HEADER, Trace.outgoing());
        credential.ifPresent(token -> request.header("Authorization", token.authorization()));
        return request;
    }

    private <T> T call(boolean idempotent, Supplier<HttpRequest.Builder> request, TypeReference<T> type) {
        var dataType = Json.mapper().getTypeFactory().constructType(type);
        return guarded(idempotent, () -> {
            var response = send(request.get().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw failure(response.statusCode(), response.body());
            }
            JsonNode envelope = parse(response.body(), Json.mapper().constructType(JsonNode.class));
            return Json.mapper().convertValue(envelope.get("data"), dataType);
        });
    }

    private <T> T guarded(boolean idempotent, Supplier<T> call) {
        Supplier<T> protectedCall = CircuitBreaker.decorateSupplier(breaker, call);
        if (idempotent) {
            protectedCall = Retry.decorateSupplier(retry, protectedCall);
        }
        try {
            return protectedCall.get();
        } catch (CallNotPermittedException open) {
            throw new DependencyUnavailableException(dependency, settings.openDuration(), open);
        } catch (RemoteUnavailable down) {
            // Retrying sooner than the breaker's open period is likely to hit an open circuit anyway.
            throw new DependencyUnavailableException(dependency, settings.openDuration(), down.getCause());
        }
    }

    private <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new RemoteUnavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteUnavailable(e);
        }
    }

    private static <T> T parse(String body, JavaType type) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable response body", e);
        }
    }

    /** Maps a remote's error status and envelope back to the exception it threw. */
    private RuntimeException failure(int status, String body) {
        String message = body;
        Map<String, Object> details = Map.of();
        try {
            var envelope = Json.mapper().readTree(body);
            if (envelope.hasNonNull("error")) {
                message = envelope.get("error").asText();
            }
            if (envelope.path("data").isObject()) {
                details = Json.mapper().convertValue(envelope.get("data"), new TypeReference<LinkedHashMap<String, Object>>() {
                });
            }
        } catch (IOException | IllegalArgumentException notJson) {
            // keep the raw body as the message
        }
        return switch (status) {
            case 400, 422 -> new InvalidRequestException(String.valueOf(details.getOrDefault("field", "body")), message);
            case 401, 403 -> new IllegalStateException(dependency + " refused this service's credential (" + status
                    + ": " + message + "); SERVICE_TOKEN must be the same in every process");
            case 404 -> new NotFoundException(message);
            case 409 -> new ConflictException(message, details);
            case 413 -> new PayloadTooLargeException(message);
            case 501 -> new NotImplementedException(message, details);
            case 502, 503, 504 -> new RemoteUnavailable(new IOException(dependency + " answered " + status + ": " + message));
            default -> new IllegalStateException(dependency + " answered " + status + ": " + message);
        };
    }

    /** The remote could not be reached or said it cannot serve: the only failure retried and counted by the breaker. */
    static final class RemoteUnavailable extends RuntimeException {
        RemoteUnavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
