package io.agentforge.bench.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client subscribed to {@code admin_alerts}, as a dashboard would be, that stamps the arrival of every
 * {@code service_down} alert.
 */
final class AlertSocket implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<Long> arrivals;
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private AlertSocket(URI uri, BlockingQueue<Long> arrivals) throws Exception {
        this.arrivals = arrivals;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, this).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"subscribe\",\"topic\":\"admin_alerts\"}", true).get(5, TimeUnit.SECONDS);
        subscribed.get(10, TimeUnit.SECONDS);
    }

    static AlertSocket connect(URI uri, BlockingQueue<Long> arrivals) throws Exception {
        return new AlertSocket(uri, arrivals);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        var now = System.nanoTime();
        partial.append(data);
        if (last) {
            var message = read(partial.toString());
            partial.setLength(0);
            var type = message.path("type").asText();
            if (type.equals("subscription_confirmed")) {
                subscribed.complete(null);
            } else if (type.equals("alert_created")
                    && message.path("data").path("metadata").path("rule").asText().equals("service_down")) {
                arrivals.add(now);
            }
        }
        webSocket.request(1);
        return null;
    }

    private static JsonNode read(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }
}
