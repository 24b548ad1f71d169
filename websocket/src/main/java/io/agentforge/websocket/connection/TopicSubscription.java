package io.agentforge.websocket.connection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One client's subscription to one topic. While missed events are being replayed, live messages are held back here;
 * {@link #goLive} then releases those the replay did not already carry, in order, so the client sees neither a gap
 * nor a duplicate. The bus delivers on its own thread, so the live copy of an event the replay already read from the
 * history may still arrive after going live; it is dropped too, until the first live message the replay did not
 * carry shows that live delivery has passed the replay (the bus delivers in publish order).
 *
 * <p>Once {@link #cancel cancelled} (unsubscribed, or the connection closed) it delivers nothing more, even to a
 * fan-out that picked it up just before: the unsubscribe confirmation is the last message about the topic.
 */
final class TopicSubscription {
    private final ClientConnection owner;
    private final Outbox outbox;
    private final int holdCapacity;
    private List<TopicMessage> held;
    private Set<String> replayed = Set.of();
    private boolean cancelled;

    /** @param replaying hold live messages until {@link #goLive} */
    TopicSubscription(ClientConnection owner, boolean replaying) {
        this.owner = owner;
        this.outbox = owner.outbox();
        this.holdCapacity = outbox.capacity();
        this.held = replaying ? new ArrayList<>() : null;
    }

    ClientConnection owner() {
        return owner;
    }

    /** Delivers or holds a live message; false when the client cannot keep up. */
    synchronized boolean deliver(TopicMessage message) {
        if (cancelled) {
            return true;
        }
        if (held == null) {
            if (!replayed.isEmpty()) {
                if (replayed.contains(message.eventId())) {
                    return true;
                }
                replayed = Set.of();
            }
            return outbox.offer(message.json());
        }
        if (held.size() >= holdCapacity) {
            return false;
        }
        held.add(message);
        return true;
    }

    /** Ends the replay: releases held messages whose events were not replayed; false when the client overflowed. */
    synchronized boolean goLive(Set<String> replayedEventIds) {
        var release = held == null ? List.<TopicMessage>of() : held;
        held = null;
        var passedTheReplay = false;
        for (var message : release) {
            if (replayedEventIds.contains(message.eventId())) {
                continue;
            }
            passedTheReplay = true;
            if (!outbox.offer(message.json())) {
                return false;
            }
        }
        replayed = passedTheReplay ? Set.of() : new HashSet<>(replayedEventIds);
        return true;
    }

    /** Stops all further delivery and frees what is held. */
    synchronized void cancel() {
        cancelled = true;
        held = null;
    }
}
