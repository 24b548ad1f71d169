package io.agentforge.websocket.connection;

import io.agentforge.contracts.websocket.ConnectionInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One open client: who it is, what it subscribed to, its outbox, and when it was last heard from (any message or
 * pong), which is what the heartbeat's sweep reads.
 */
public final class ClientConnection {
    private final String id;
    private final Instant connectedAt;
    private final String clientIp;
    private final String userAgent;
    private final ClientSocket socket;
    private final Outbox outbox;
    private final ConcurrentHashMap<String, TopicSubscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile long lastHeardNanos = System.nanoTime();
    /** Touched only by the heartbeat's thread once pings are scheduled. */
    private long pingIntervalNanos;
    private long nextPingNanos;

    /**
     * @param outboxCapacity messages that may wait for this client
     * @param sentCounter    counts the messages written, shared by all connections
     * @param onSendFailure  told when a write fails, i.e. the client is gone
     */
    public ClientConnection(String id, String clientIp, String userAgent, ClientSocket socket, int outboxCapacity,
                            LongAdder sentCounter, Consumer<ClientConnection> onSendFailure) {
        this.id = id;
        this.connectedAt = Instant.now();
        this.clientIp = clientIp;
        this.userAgent = userAgent;
        this.socket = socket;
        this.outbox = new Outbox(outboxCapacity, socket, failure -> onSendFailure.accept(this), sentCounter);
    }

    public String id() {
        return id;
    }

    public ClientSocket socket() {
        return socket;
    }

    public Outbox outbox() {
        return outbox;
    }

    public ConnectionInfo info() {
        return new ConnectionInfo(id, connectedAt, clientIp, userAgent, List.copyOf(subscriptions.keySet()));
    }

    /** Queues a protocol message (not a topic message); false when the client cannot keep up. */
    public boolean send(String json) {
        return outbox.offer(json);
    }

    /**
     * Starts a subscription. When {@code replaying}, live messages are held until {@link #goLive}.
     *
     * @return the new subscription, or null when already subscribed (nothing changes)
     */
    TopicSubscription addSubscription(String topic, boolean replaying) {
        var subscription = new TopicSubscription(this, replaying);
        return subscriptions.putIfAbsent(topic, subscription) == null ? subscription : null;
    }

    /** Ends a subscription, which delivers nothing from then on; null when there was none. */
    TopicSubscription removeSubscription(String topic) {
        var subscription = subscriptions.remove(topic);
        if (subscription != null) {
            subscription.cancel();
        }
        return subscription;
    }

    Set<String> topics() {
        return subscriptions.keySet();
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    public boolean isSubscribed(String topic) {
        return subscriptions.containsKey(topic);
    }

    /** Ends a replay on a topic; false when the held messages overflowed the outbox. */
    public boolean goLive(String topic, Set<String> replayedEventIds) {
        var subscription = subscriptions.get(topic);
        return subscription == null || subscription.goLive(replayedEventIds);
    }

    /** Pings this connection every {@code intervalNanos}, the first {@code firstAfterNanos} from now. */
    public void schedulePings(long intervalNanos, long firstAfterNanos) {
        this.pingIntervalNanos = intervalNanos;
        this.nextPingNanos = System.nanoTime() + firstAfterNanos;
    }

    /**
     * True when a ping is due at {@code nowNanos}, and then the next one is scheduled an interval later (or an
     * interval from now, if the heartbeat fell more than an interval behind).
     */
    public boolean pingDue(long nowNanos) {
        if (pingIntervalNanos == 0 || nowNanos - nextPingNanos < 0) {
            return false;
        }
        nextPingNanos += pingIntervalNanos;
        if (nowNanos - nextPingNanos >= 0) {
            nextPingNanos = nowNanos + pingIntervalNanos;
        }
        return true;
    }

    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    public Duration silence() {
        return Duration.ofNanos(System.nanoTime() - lastHeardNanos);
    }

    public boolean isOpen() {
        return open.get();
    }

    /** True exactly once: for whoever closes the connection first. */
    boolean markClosed() {
        return open.compareAndSet(true, false);
    }
}
