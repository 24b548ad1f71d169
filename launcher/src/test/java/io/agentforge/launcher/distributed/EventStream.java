package io.agentforge.launcher.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import org.awaitility.Awaitility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the WebSocket service (SPEC section 5) that keeps every message it receives, for assertions on what a
 * dashboard would have seen.
 */
final class EventStream implements WebSocket.Listener, AutoCloseable {
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static EventStream connect(int port) {
        var stream = new EventStream();
        stream.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), stream).orTimeout(30, TimeUnit.SECONDS)
                .join();
        stream.await(Duration.ofSeconds(10), message -> type(message).equals("connection_established"));
        return stream;
    }

    /** Subscribes and waits for the server to confirm. */
    EventStream subscribe(String topic) {
        var request = Json.write(java.util.Map.of("type", "subscribe", "topic", topic));
        socket.sendText(request, true).orTimeout(10, TimeUnit.SECONDS).join();
        await(Duration.ofSeconds(10), message -> type(message).equals("subscription_confirmed")
                && topic.equals(message.path("data").path("topic").asText()));
        return this;
    }

    /** The messages received so far that match. */
    List<JsonNode> matching(Predicate<JsonNode> filter) {
        return messages.stream().filter(filter).toList();
    }

    /** Event messages of a type on a topic. */
    List<JsonNode> events(String topic, String type) {
        return matching(message -> topic.equals(message.path("topic").asText()) && type(message).equals(type));
    }

    /** Event messages of a type about one job, on {@code training_updates}. */
    List<JsonNode> trainingEvents(String type, String jobId) {
        return events("training_updates", type).stream()
                .filter(message -> jobId.equals(message.path("data").path("job_id").asText())).toList();
    }

    JsonNode await(Duration timeout, Predicate<JsonNode> filter) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> !matching(filter).isEmpty());
        return matching(filter).getFirst();
    }

    static String type(JsonNode message) {
        return message.path("type").asText();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(Json.read(partial.toString(), JsonNode.class));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
