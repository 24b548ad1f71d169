package io.agentforge.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topics of the {@code /ws} endpoint as one gap-free stream. It remembers the id of the last event it passed on;
 * when the connection drops it reconnects (backoff 250 ms doubling to 4 s) and subscribes again with
 * {@code since} that id, so the server replays what was missed, and it passes on no event twice (by topic and
 * event id). What happens arrives as {@link Item}s, in order, on the caller's thread ({@link #next}).
 */
public final class EventStream implements AutoCloseable {
    /**
     * A server that refuses the first connection for this long is down: the stream reports {@link Item.Unreachable}
     * (exit 5 within 5 s).
     */
    static final Duration FIRST_CONNECT = Duration.ofSeconds(3);
    /**
     * How long one opening handshake may take. Longer than the REST connect timeout: a server that accepted the
     * connection is there, and on a loaded machine its answer may take seconds.
     */
    static final Duration HANDSHAKE = Duration.ofSeconds(10);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final int REMEMBERED = 10_000;

    /** What the stream reports. */
    public sealed interface Item {
        /** The server confirmed a subscription; {@code since} is the event id it replays after, or null. */
        record Subscribed(String topic, String since) implements Item {
        }

        /** A server message: an event on a topic (with {@code event_id}) or another message. */
        record Message(JsonNode json) implements Item {
            public String type() {
                return json.path("type").asText();
            }

            public String eventId() {
                return json.path("event_id").asText(null);
            }
        }

        /** The server refused or could not do something, e.g. {@code resume_unavailable}. */
        record Problem(String code, String message) implements Item {
        }

        /** The connection dropped; the stream reconnects and resumes after {@code lastEventId}. */
        record Lost(String reason, String lastEventId) implements Item {
        }

        /** The first connection failed; the stream has given up. */
        record Unreachable(String reason) implements Item {
        }
    }

    private final URI url;
    private final Optional<String> token;
    private final List<String> topics;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final Set<String> seen = newSeenSet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ForgeClient.CONNECT_TIMEOUT).build();
    private final Thread connector;
    private volatile String lastEventId;
    private volatile boolean closed;
    private volatile WebSocket socket;

    private EventStream(URI url, Optional<String> token, List<String> topics, String since) {
        this.url = url;
        this.token = token;
        this.topics = List.copyOf(topics);
        this.lastEventId = since;
        this.connector = Thread.ofVirtual().name("forge-ws").unstarted(this::connectLoop);
    }

    /**
     * @param since the last event id already seen (the server replays what came after it), or null for live events
     */
    public static EventStream open(URI url, Optional<String> token, List<String> topics, String since) {
        var stream = new EventStream(url, token, topics, since);
        stream.connector.start();
        return stream;
    }

    /** The next item, or null when none arrived within {@code wait}. */
    public Item next(Duration wait) throws InterruptedException {
        return items.poll(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The id of the last event passed on (or the {@code since} it was opened with). */
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public void close() {
        closed = true;
        connector.interrupt();
        var open = socket;
        if (open != null) {
            open.abort();
        }
        http.shutdownNow();
    }

    private void connectLoop() {
        var started = System.nanoTime();
        var connectedOnce = false;
        String lastFailure = "";
        var backoff = MIN_BACKOFF;
        while (!closed) {
            var ended = new CompletableFuture<String>();
            try {
                var builder = http.newWebSocketBuilder().connectTimeout(HANDSHAKE);
                token.ifPresent(value -> builder.header("Authorization", "Bearer " + value));
                socket = builder.buildAsync(url, new Listener(ended)).get(HANDSHAKE.toMillis() + 500,
                        TimeUnit.MILLISECONDS);
                connectedOnce = true;
                backoff = MIN_BACKOFF;
                for (var topic : topics) {
                    var subscribe = new LinkedHashMap<String, Object>();
                    subscribe.put("type", "subscribe");
                    subscribe.put("topic", topic);
                    if (lastEventId != null) {
                        subscribe.put("since", lastEventId);
                    }
                    socket.sendText(Json.write(subscribe), true).get(5, TimeUnit.SECONDS);
                }
                var reason = ended.get();
                if (!closed) {
                    items.add(new Item.Lost(reason, lastEventId));
                }
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException e) {
                lastFailure = reason(e);
                if (connectedOnce && !ended.isDone() && !closed) {
                    items.add(new Item.Lost(reason(e), lastEventId));
                }
            }
            if (socket != null) {
                socket.abort();
                socket = null;
            }
            var pause = backoff;
            if (!connectedOnce) {
                // Not connected yet: retry within the window only, so that a down server is reported in time.
                var left = FIRST_CONNECT.minus(Duration.ofNanos(System.nanoTime() - started));
                if (left.isNegative() || left.isZero()) {
                    items.add(new Item.Unreachable("cannot connect to the WebSocket at " + url + ": " + lastFailure
                            + " (set --ws-url or AGENT_FORGE_WS_URL if it is elsewhere)"));
                    return;
                }
                pause = left.compareTo(backoff) < 0 ? left : backoff;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Receives one connection's messages (reassembling fragments) and turns them into items. */
    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<String> ended;
        private final StringBuilder text = new StringBuilder();

        Listener(CompletableFuture<String> ended) {
            this.ended = ended;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                var message = text.toString();
                text.setLength(0);
                receive(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete("closed by the server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(reason(error));
        }
    }

    private void receive(String text) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (IOException e) {
            items.add(new Item.Problem("malformed_message", "the server sent something that is not JSON"));
            return;
        }
        switch (json.path("type").asText()) {
            case "connection_established", "pong" -> {
            }
            case "subscription_confirmed" -> {
                if (!"unsubscribe".equals(json.path("action").asText())) {
                    items.add(new Item.Subscribed(json.path("topic").asText(), json.path("since").asText(null)));
                }
            }
            case "error" -> items.add(new Item.Problem(json.path("code").asText("error"),
                    json.path("message").asText(json.toString())));
            default -> {
                var eventId = json.path("event_id").asText(null);
                if (eventId != null) {
                    if (!seen.add(json.path("topic").asText() + " " + eventId)) {
                        return;
                    }
                    lastEventId = eventId;
                }
                items.add(new Item.Message(json));
            }
        }
    }

    private static Set<String> newSeenSet() {
        return Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        });
    }

    private static String reason(Throwable e) {
        var root = e;
        while (root.getCause() != null && root != root.getCause()) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
