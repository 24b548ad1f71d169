package io.agentforge.contracts.events;

import java.util.List;
import java.util.function.Consumer;

/**
 * Publish/subscribe between services (SPEC section 6). In-process by default; Redis Streams when {@code REDIS_URL}
 * is set. Both implementations pass one contract test suite.
 *
 * <p>Patterns match event types; {@code *} matches any run of characters ({@code training_*}, {@code *}).
 * Handlers run on the bus's own threads, never on the publisher's, and one slow handler does not hold up others.
 */
public interface EventBus extends AutoCloseable {
    /** Publishes an event to every matching subscriber; returns its position in the bus's log. */
    String publish(Event event);

    /**
     * A broadcast subscription: this subscriber sees every matching event published from now on.
     */
    Subscription subscribe(String pattern, Consumer<EventEnvelope> handler);

    /**
     * A durable subscription in a consumer group: each matching event goes to one member of the group, and a group
     * that stops and subscribes again continues after the last event it handled, including events published while
     * it was away. A group seen for the first time starts from now, not from the retained history. All members of
     * a group subscribe with the same pattern. Delivery is at least once: an event whose handler never returned
     * (the process died) is delivered again, so handlers should tolerate a repeat.
     */
    Subscription subscribeGroup(String group, String pattern, Consumer<EventEnvelope> handler);

    /**
     * Events published after the event with the given id (an event id, not a position), oldest first: the first
     * {@code limit} of them, so a caller pages on with the last one it got. Used by clients that reconnect; the
     * history kept is bounded.
     *
     * @throws java.util.NoSuchElementException when the id is no longer (or never was) in the kept history
     */
    List<EventEnvelope> after(String eventId, int limit);

    /** Whether the bus can currently publish and deliver (for health checks). */
    boolean isHealthy();

    @Override
    void close();

    /** A live subscription; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
