package io.agentforge.websocket.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One client's subscription to one topic. While missed events are being replayed, live messages are held back here;
 * {@link #goLive} then releases those the replay did not already carry, in order, so the client sees neither a gap
 * nor a duplicate.
 */
final class TopicSubscription {
    private final Outbox outbox;
    private final int holdCapacity;
    private List<TopicMessage> held;

    TopicSubscription(Outbox outbox, int holdCapacity, boolean replaying) {
        this.outbox = outbox;
        this.holdCapacity = holdCapacity;
        this.held = replaying ? new ArrayList<>() : null;
    }

    /** Delivers or holds a live message; false when the client cannot keep up. */
    synchronized boolean deliver(TopicMessage message) {
        if (held == null) {
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
        for (var message : release) {
            if (!replayedEventIds.contains(message.eventId()) && !outbox.offer(message.json())) {
                return false;
            }
        }
        return true;
    }
}
