package io.agentforge.launcher.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client as a dashboard should be written: it follows one topic, remembers the id of the last event it
 * saw, and whenever its connection breaks (the WebSocket service killed, restarted, or unable to replay yet) it
 * reconnects and subscribes again with {@code since}, so that it gets what it missed. It keeps every event message
 * of its topic, for assertions on duplicates and gaps.
 */
final class ResumingFollower implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final String topic;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> resumeErrors = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String lastEventId;
    private volatile WebSocket socket;
    private volatile boolean closed;
    private final Thread keeper;

    ResumingFollower(int port, String topic) {
        this.port = port;
        this.topic = topic;
        this.keeper = Thread.ofVirtual().name("follower-" + topic).start(this::keepConnected);
    }

    private void keepConnected() {
        while (!closed) {
            var current = socket;
            if (current == null || current.isInputClosed() || current.isOutputClosed()) {
                try {
                    connect();
                } catch (RuntimeException e) {
                    // The service is down or starting: try again shortly.
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void connect() {
        var listener = new Listener();
        var opened = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener)
                .orTimeout(10, TimeUnit.SECONDS).join();
        socket = opened;
        connections.incrementAndGet();
        var request = new LinkedHashMap<String, Object>();
        request.put("type", "subscribe");
        request.put("topic", topic);
        if (lastEventId != null) {
            request.put("since", lastEventId);
        }
        opened.sendText(Json.write(request), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private void received(JsonNode message) {
        if (topic.equals(message.path("topic").asText()) && message.hasNonNull("event_id")) {
            events.add(message);
            lastEventId = message.path("event_id").asText();
        } else if ("error".equals(message.path("type").asText())
                && message.path("data").path("code").asText().startsWith("resume_")) {
            var code = message.path("data").path("code").asText();
            resumeErrors.add(code);
            if (code.equals("resume_failed")) {
                // The history could not be read yet (Redis away): drop the connection, resume again later.
                var current = socket;
                if (current != null) {
                    current.abort();
                }
            }
        }
    }

    /** Event messages of the topic, in the order received (replays included). */
    List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** The {@code resume_*} errors the server sent: each a time it could not give everything missed at once. */
    List<String> resumeErrors() {
        return List.copyOf(resumeErrors);
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        var current = socket;
        if (current != null) {
            current.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received(Json.read(partial.toString(), JsonNode.class));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            webSocket.abort();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            webSocket.abort();
        }
    }
}
