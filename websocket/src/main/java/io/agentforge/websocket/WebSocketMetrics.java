package io.agentforge.websocket;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToDoubleFunction;

/** The {@code /stats} figures as Prometheus gauges, read from the hub at each scrape. */
final class WebSocketMetrics {
    private WebSocketMetrics() {
    }

    public static void register(MeterRegistry registry, WebSocketHub hub) {
        gauge(registry, hub, "websocket.active.connections", "open client connections",
                h -> h.stats().activeConnections());
        gauge(registry, hub, "websocket.total.connections", "connections accepted since start",
                h -> h.stats().totalConnections());
        gauge(registry, hub, "websocket.total.messages.sent", "messages written to clients since start",
                h -> h.stats().totalMessagesSent());
        gauge(registry, hub, "websocket.topic.count", "topics with at least one subscriber",
                h -> h.stats().topicCount());
        gauge(registry, hub, "websocket.uptime.seconds", "seconds since the service started",
                h -> h.stats().uptimeSeconds());
        gauge(registry, hub, "websocket.average.messages.per.connection", "messages sent per accepted connection",
                h -> h.stats().averageMessagesPerConnection());
        gauge(registry, hub, "websocket.dropped.connections", "clients dropped as too slow, silent or broken",
                WebSocketHub::droppedCount);
    }

    private static void gauge(MeterRegistry registry, WebSocketHub hub, String name, String description,
                              ToDoubleFunction<WebSocketHub> value) {
        Gauge.builder(name, hub, value).description(description).register(registry);
    }
}
