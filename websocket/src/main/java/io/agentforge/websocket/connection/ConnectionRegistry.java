package io.agentforge.websocket.connection;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open connections, at most {@code maxConnections} of them, and for each topic the connections subscribed to it,
 * so that a fan-out touches only the subscribers.
 */
public final class ConnectionRegistry {
    private final int maxConnections;
    private final ConcurrentHashMap<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ClientConnection>> byTopic = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();

    public ConnectionRegistry(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Admits a connection unless the limit is reached. */
    public boolean tryAdd(ClientConnection connection) {
        int now;
        do {
            now = active.get();
            if (now >= maxConnections) {
                return false;
            }
        } while (!active.compareAndSet(now, now + 1));
        byId.put(connection.id(), connection);
        total.incrementAndGet();
        return true;
    }

    /** Forgets a connection and its subscriptions; true for the first caller only. */
    public boolean remove(ClientConnection connection) {
        if (!connection.markClosed()) {
            return false;
        }
        for (var topic : List.copyOf(connection.topics())) {
            unsubscribe(connection, topic);
        }
        byId.remove(connection.id());
        active.decrementAndGet();
        return true;
    }

    /**
     * Subscribes a connection to a topic; with {@code replaying}, live messages are held until the connection goes
     * live. Registered before any replay is read, so that nothing published meanwhile is missed.
     *
     * @return false when it was already subscribed
     */
    public boolean subscribe(ClientConnection connection, String topic, boolean replaying) {
        if (!connection.addSubscription(topic, replaying)) {
            return false;
        }
        byTopic.compute(topic, (key, set) -> {
            var subscribers = set == null ? ConcurrentHashMap.<ClientConnection>newKeySet() : set;
            subscribers.add(connection);
            return subscribers;
        });
        if (!connection.isOpen()) {
            // Removed while subscribing: remove() may have missed this topic, so take it out of the index here.
            unsubscribe(connection, topic);
        }
        return true;
    }

    public boolean unsubscribe(ClientConnection connection, String topic) {
        byTopic.computeIfPresent(topic, (key, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
        return connection.removeSubscription(topic);
    }

    public Collection<ClientConnection> subscribers(String topic) {
        var set = byTopic.get(topic);
        return set == null ? List.of() : set;
    }

    public Collection<ClientConnection> all() {
        return byId.values();
    }

    public int activeCount() {
        return active.get();
    }

    public long totalCount() {
        return total.get();
    }

    /** Topics with at least one subscriber. */
    public int topicCount() {
        return byTopic.size();
    }
}
