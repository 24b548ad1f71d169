package io.agentforge.websocket.connection;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The open connections, at most {@code maxConnections} of them, and for each topic the subscriptions to it, so that a
 * fan-out touches only the subscribers and finds each one's subscription without a lookup. (An array replaced on
 * every change was tried for the index: it made 10,000 clients subscribing to one topic copy 200 MB of arrays.)
 */
public final class ConnectionRegistry {
    private final int maxConnections;
    private final ConcurrentHashMap<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<TopicSubscription>> byTopic = new ConcurrentHashMap<>();
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
        var subscription = connection.addSubscription(topic, replaying);
        if (subscription == null) {
            return false;
        }
        byTopic.compute(topic, (key, subscriptions) -> {
            var set = subscriptions == null ? ConcurrentHashMap.<TopicSubscription>newKeySet() : subscriptions;
            set.add(subscription);
            return set;
        });
        if (!connection.isOpen()) {
            // Removed while subscribing: remove() may have missed this topic, so take it out of the index here.
            connection.removeSubscription(topic);
            unindex(topic, subscription);
        }
        return true;
    }

    public boolean unsubscribe(ClientConnection connection, String topic) {
        var subscription = connection.removeSubscription(topic);
        if (subscription == null) {
            return false;
        }
        unindex(topic, subscription);
        return true;
    }

    /**
     * Hands a message to every subscription to its topic; {@code tooSlow} is told of each connection whose outbox
     * could not take it. Never blocks on a client.
     */
    public void deliver(TopicMessage message, Consumer<ClientConnection> tooSlow) {
        for (var subscription : byTopic.getOrDefault(message.topic(), Set.of())) {
            if (!subscription.deliver(message)) {
                tooSlow.accept(subscription.owner());
            }
        }
    }

    private void unindex(String topic, TopicSubscription subscription) {
        byTopic.computeIfPresent(topic, (key, subscriptions) -> {
            subscriptions.remove(subscription);
            return subscriptions.isEmpty() ? null : subscriptions;
        });
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
