package io.agentforge.websocket;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.websocket.ConnectionInfo;
import io.agentforge.contracts.websocket.ConnectionStats;
import io.agentforge.contracts.websocket.WebSocketService;
import io.agentforge.websocket.connection.ClientConnection;
import io.agentforge.websocket.connection.ClientSocket;
import io.agentforge.websocket.connection.ConnectionRegistry;
import io.agentforge.websocket.protocol.ClientRequest;
import io.agentforge.websocket.protocol.ProtocolException;
import io.agentforge.websocket.protocol.WireMessages;
import io.agentforge.websocket.topics.TopicBridge;
import io.agentforge.websocket.topics.Topics;
import io.agentforge.websocket.topics.TrainingStatusView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The WebSocket service without its web server: admits connections, answers their requests, fans bus events out to
 * topic subscribers, replays missed events to resuming clients, pings everyone and sweeps the dead. The web layer
 * hands it a {@link ClientSocket} per connection and the text it receives.
 */
public final class WebSocketHub implements WebSocketService, AutoCloseable {
    /** Close codes of RFC 6455 used here. */
    public static final int GOING_AWAY = 1001;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int TRY_AGAIN_LATER = 1013;

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);
    private static final int REPLAY_PAGE = 500;
    private static final String TOO_SLOW = "too slow: outgoing queue full";
    /** Per connection, so that one client cannot grow the topic index without bound (jobs/{id} topics are open). */
    static final int MAX_SUBSCRIPTIONS = 100;
    private static final int RECENT_EVENTS = 10_000;

    private final WebSocketSettings settings;
    private final EventBus bus;
    private final ConnectionRegistry registry;
    private final TopicBridge bridge = new TopicBridge();
    private final TrainingStatusView trainingStatus = new TrainingStatusView();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Instant startedAt = Instant.now();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ws-heartbeat").factory());
    private final Consumer<ClientConnection> tooSlow =
            connection -> drop(connection, POLICY_VIOLATION, TOO_SLOW);
    private EventBus.Subscription busSubscription;
    /** The ids of the last events fanned out; only the bus's delivery thread touches it. */
    private final Map<String, Boolean> recentEventIds = new LinkedHashMap<>(RECENT_EVENTS * 2, 0.75f) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_EVENTS;
        }
    };

    public WebSocketHub(WebSocketSettings settings, EventBus bus) {
        this.settings = settings;
        this.bus = bus;
        this.registry = new ConnectionRegistry(settings.maxConnections());
    }

    /** Subscribes to the bus and starts the heartbeat. */
    public WebSocketHub start() {
        busSubscription = bus.subscribe("*", this::publishToTopics);
        var tick = heartbeatTick(settings.pingInterval()).toMillis();
        heartbeat.scheduleWithFixedDelay(this::heartbeatPass, tick, tick, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Admits a new connection and greets it; empty when the connection limit is reached. */
    public Optional<ClientConnection> open(ClientSocket socket, String clientIp, String userAgent) {
        var id = UUID.randomUUID().toString();
        var connection = new ClientConnection(id, clientIp, userAgent, socket, settings.outboxCapacity(),
                messagesSent, broken -> drop(broken, GOING_AWAY, "send failed"));
        // Each connection's pings keep their own phase within the interval, so that they spread over it.
        connection.schedulePings(settings.pingInterval().toNanos(),
                ThreadLocalRandom.current().nextLong(settings.pingInterval().toNanos()));
        if (!registry.tryAdd(connection)) {
            return Optional.empty();
        }
        connection.send(WireMessages.protocol("connection_established",
                Map.of("connection_id", id, "server_time", Instant.now())));
        return Optional.of(connection);
    }

    /** Handles one complete text message from a client. Bad input is answered with an {@code error}, never thrown. */
    public void receive(ClientConnection connection, String text) {
        connection.heard();
        try {
            switch (ClientRequest.parse(text)) {
                case ClientRequest.Subscribe subscribe -> subscribe(connection, subscribe);
                case ClientRequest.Unsubscribe unsubscribe -> {
                    registry.unsubscribe(connection, unsubscribe.topic());
                    reply(connection, "subscription_confirmed", Map.of("topic", unsubscribe.topic(),
                            "connection_id", connection.id(), "action", "unsubscribe"));
                }
                case ClientRequest.Ping ping -> reply(connection, "pong", Map.of("server_time", Instant.now()));
                case ClientRequest.GetTrainingStatus status ->
                        reply(connection, "training_status", trainingStatus.snapshot());
            }
        } catch (ProtocolException e) {
            reply(connection, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("failed to handle a message of connection " + connection.id(), e);
            reply(connection, new ProtocolException("internal_error", "the server failed to handle the message"));
        }
    }

    /** The client went away or closed; forgets it. */
    public void closed(ClientConnection connection) {
        if (registry.remove(connection)) {
            connection.outbox().close();
        }
    }

    /**
     * Drops a connection the server gives up on (too slow, silent, broken): frees its backlog at once, then closes
     * the socket off the caller's thread, since a close frame may have to wait behind a stuck write.
     */
    public void drop(ClientConnection connection, int code, String reason) {
        if (!registry.remove(connection)) {
            return;
        }
        dropped.increment();
        connection.outbox().close();
        Thread.ofVirtual().name("ws-drop-" + connection.id()).start(() -> {
            try {
                connection.socket().close(code, reason);
            } catch (RuntimeException e) {
                // the socket is already broken; aborting below is all that is left
            }
            connection.socket().abort();
        });
    }

    private void subscribe(ClientConnection connection, ClientRequest.Subscribe request)
            throws ProtocolException, InterruptedException {
        var topic = request.topic();
        if (!Topics.isKnown(topic)) {
            throw new ProtocolException("unknown_topic",
                    "unknown topic \"" + topic + "\"; expected one of " + Topics.describe());
        }
        if (!connection.isSubscribed(topic) && connection.subscriptionCount() >= MAX_SUBSCRIPTIONS) {
            throw new ProtocolException("too_many_subscriptions",
                    "a connection may hold at most " + MAX_SUBSCRIPTIONS + " subscriptions; unsubscribe first");
        }
        var resuming = request.since() != null;
        var added = registry.subscribe(connection, topic, resuming);
        var confirmation = new LinkedHashMap<String, Object>();
        confirmation.put("topic", topic);
        confirmation.put("connection_id", connection.id());
        confirmation.put("action", "subscribe");
        confirmation.put("since", request.since());
        reply(connection, "subscription_confirmed", confirmation);
        if (added && resuming) {
            replay(connection, topic, request.since());
        }
    }

    /**
     * Sends what a resuming client missed on a topic, then lets the live messages held meanwhile through. The
     * subscription was registered before the history is read, so every event is either in the history or held (or
     * both: those are sent once).
     */
    private void replay(ClientConnection connection, String topic, String since) throws InterruptedException {
        var replayed = new HashSet<String>();
        var cursor = since;
        try {
            while (replayed.size() < settings.resumeLimit()) {
                var page = bus.after(cursor, Math.min(REPLAY_PAGE, settings.resumeLimit() - replayed.size()));
                for (EventEnvelope envelope : page) {
                    if (!replayed.add(envelope.event().eventId())) {
                        // In the history twice (an outbox relay whose first attempt reached Redis after all).
                        continue;
                    }
                    for (var message : bridge.route(envelope.event(), topic)) {
                        if (!connection.outbox().put(message.json(), settings.pingInterval().toMillis())) {
                            drop(connection, POLICY_VIOLATION, "too slow: could not take the replay");
                            return;
                        }
                    }
                }
                if (page.size() < REPLAY_PAGE || page.isEmpty()) {
                    break;
                }
                cursor = page.getLast().event().eventId();
            }
            if (replayed.size() >= settings.resumeLimit()) {
                reply(connection, "error", Map.of("code", "resume_truncated", "topic", topic, "message",
                        "more than " + settings.resumeLimit() + " events since " + since
                                + "; replayed the oldest of them, later ones may be missing"));
            }
        } catch (NoSuchElementException e) {
            reply(connection, "error", Map.of("code", "resume_unavailable", "topic", topic, "message",
                    "event " + since + " is no longer in the kept history; live messages follow, reload the state"));
        } catch (RuntimeException e) {
            LOG.warn("replay of " + topic + " since " + since + " failed", e);
            reply(connection, "error", Map.of("code", "resume_failed", "topic", topic, "message",
                    "the missed events could not be read; live messages follow"));
        } finally {
            if (!connection.goLive(topic, replayed)) {
                drop(connection, POLICY_VIOLATION, TOO_SLOW);
            }
        }
    }

    /**
     * The bus handler: never throws, never blocks on a client. An event seen again (a relay after an outage whose
     * first attempt reached Redis after all) is not sent twice.
     */
    private void publishToTopics(EventEnvelope envelope) {
        if (recentEventIds.put(envelope.event().eventId(), Boolean.TRUE) != null) {
            return;
        }
        try {
            trainingStatus.apply(envelope.event());
            for (var message : bridge.route(envelope.event())) {
                registry.deliver(message, tooSlow);
            }
        } catch (RuntimeException e) {
            LOG.warn("failed to fan out event " + envelope.event().eventId(), e);
        }
    }

    /**
     * How often the heartbeat passes over the connections: a tenth of the ping interval, at most a second (so that a
     * peer that closed its socket without a Close frame is forgotten within a second) and at least 10 ms.
     */
    static Duration heartbeatTick(Duration pingInterval) {
        var tenth = pingInterval.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                : tenth.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tenth;
    }

    /**
     * One pass of the heartbeat over the connections. It forgets those whose socket the peer closed without a Close
     * frame (Helidon tells the listener nothing then, and a ping would find them only up to two intervals later),
     * drops those silent for two ping intervals, and pings those whose ping is due. Each connection is pinged once an
     * interval at its own phase, so a tick pings about a tenth of them: pinging all at once sent a burst of pings,
     * and then of pongs to read, that delayed every message around it (a p99 spike of 100-200 ms every interval at
     * 1,000 clients and 100 events/s).
     */
    private void heartbeatPass() {
        try {
            var now = System.nanoTime();
            var deadAfter = settings.pingInterval().multipliedBy(2);
            for (var connection : registry.all()) {
                if (!connection.socket().isOpen()) {
                    closed(connection);
                } else if (connection.silence().compareTo(deadAfter) > 0) {
                    drop(connection, GOING_AWAY, "no pong for " + deadAfter.toMillis() + " ms");
                } else if (connection.pingDue(now)) {
                    connection.outbox().ping();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed", e);
        }
    }

    private void reply(ClientConnection connection, String type, Map<String, Object> data) {
        send(connection, WireMessages.protocol(type, data));
    }

    private void reply(ClientConnection connection, ProtocolException problem) {
        send(connection, WireMessages.error(problem));
    }

    private void send(ClientConnection connection, String json) {
        if (!connection.send(json)) {
            drop(connection, POLICY_VIOLATION, TOO_SLOW);
        }
    }

    /** Connections dropped by the server (too slow, silent or broken) since start. */
    public long droppedCount() {
        return dropped.sum();
    }

    /** The deepest any open connection's outbox has been. */
    public int deepestOutbox() {
        return registry.all().stream().mapToInt(c -> c.outbox().highWater()).max().orElse(0);
    }

    public Optional<ClientConnection> connection(String id) {
        return registry.all().stream().filter(c -> c.id().equals(id)).findFirst();
    }

    @Override
    public ConnectionStats stats() {
        var total = registry.totalCount();
        var sent = messagesSent.sum();
        return new ConnectionStats(registry.activeCount(), total, sent, registry.topicCount(),
                uptimeSeconds(),
                total == 0 ? 0.0 : (double) sent / total);
    }

    private double uptimeSeconds() {
        return Duration.between(startedAt, Instant.now()).toMillis() / 1000.0;
    }

    @Override
    public List<ConnectionInfo> connections() {
        return registry.all().stream().map(ClientConnection::info).toList();
    }

    @Override
    public String name() {
        return WireMessages.SOURCE;
    }

    @Override
    public HealthReport health() {
        var started = System.nanoTime();
        var busHealthy = bus.isHealthy();
        // Degraded: connections stay up and events published meanwhile arrive once the bus is back.
        var check = new DependencyCheck(busHealthy ? ServiceStatus.HEALTHY : ServiceStatus.DEGRADED,
                (System.nanoTime() - started) / 1e6, busHealthy ? "event bus delivering"
                        : "event bus unavailable; events are delayed");
        return HealthReport.of(name(), Map.of("event_bus", check), uptimeSeconds());
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (busSubscription != null) {
            busSubscription.close();
        }
        for (var connection : List.copyOf(registry.all())) {
            drop(connection, GOING_AWAY, "server shutting down");
        }
    }
}
