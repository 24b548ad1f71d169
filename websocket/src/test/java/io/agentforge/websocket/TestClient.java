package io.agentforge.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/** A real client: the JDK's {@link WebSocket}, collecting every message it receives. */
final class TestClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(10);

    final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static TestClient connect(URI uri) {
        var client = new TestClient();
        client.socket = HTTP.newWebSocketBuilder().buildAsync(uri, client).join();
        return client;
    }

    /** For a socket opened by a builder of the caller's (e.g. with an Origin header). */
    void attach(WebSocket socket) {
        this.socket = socket;
    }

    void send(Map<String, Object> message) {
        sendText(Json.write(message));
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** One text message sent as several frames. */
    void sendFragments(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    /** The next message, failing after {@link #WAIT}. */
    JsonNode next() {
        try {
            var message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                fail("no message within " + WAIT);
            }
            return message;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next message of the type, skipping others. */
    JsonNode next(String type) {
        return next(m -> m.path("type").asText().equals(type));
    }

    JsonNode next(Predicate<JsonNode> wanted) {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var message = next();
            if (wanted.test(message)) {
                return message;
            }
        }
        return fail("no wanted message within " + WAIT);
    }

    /** Subscribes and waits for the confirmation. */
    TestClient subscribe(String topic) {
        send(Map.of("type", "subscribe", "topic", topic));
        next("subscription_confirmed");
        return this;
    }

    /** Everything received so far, without waiting. */
    List<JsonNode> drain() {
        var all = new ArrayList<JsonNode>();
        received.drainTo(all);
        return all;
    }

    boolean isOpen() {
        return !socket.isInputClosed() && !closeCode.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(Json.read(partial.toString(), JsonNode.class));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(-1);
    }

    @Override
    public void close() {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                closeCode.get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // the server is gone or did not answer; aborting is all that is left
        } finally {
            socket.abort();
        }
    }
}
