package io.agentforge.platform.bus;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bus when everything runs in one JVM. Positions are a counter ({@code "1"}, {@code "2"}, ...; compare them as
 * numbers). The last {@code historySize} events are kept for {@link #after}; consumer groups remember where they
 * stopped for as long as this bus lives, holding at most {@code historySize} events for a group that is away.
 *
 * <p>Publishing appends to the history and to every matching subscriber's queue under one lock, so all subscribers
 * see one order, the order of positions, and a subscription sees exactly the events published after it was made.
 * Each subscriber drains its queue on its own virtual thread; queues are unbounded so that a slow subscriber never
 * blocks a publisher (and through it everyone else), which makes handlers responsible for staying quick or handing
 * work off.
 */
public final class InProcessEventBus implements EventBus {
    public static final int DEFAULT_HISTORY_SIZE = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(InProcessEventBus.class);

    private final int historySize;
    /** Orders positions, history and queue appends identically; held only for in-memory work. */
    private final ReentrantLock lock = new ReentrantLock();
    /** A ring: position p lives at index (p - 1) % historySize. */
    private final EventEnvelope[] history;
    private final Map<String, Long> positionByEventId = new HashMap<>();
    private long lastPosition;
    private final List<Broadcast> broadcasts = new ArrayList<>();
    private final Map<String, Group> groups = new HashMap<>();
    private volatile boolean closed;

    public InProcessEventBus() {
        this(DEFAULT_HISTORY_SIZE);
    }

    public InProcessEventBus(int historySize) {
        if (historySize < 1) {
            throw new IllegalArgumentException("historySize must be at least 1, was " + historySize);
        }
        this.historySize = historySize;
        this.history = new EventEnvelope[historySize];
    }

    @Override
    public String publish(Event event) {
        requireValid(event);
        event = inCurrentTrace(event);
        lock.lock();
        try {
            requireOpen();
            long position = ++lastPosition;
            var envelope = new EventEnvelope(Long.toString(position), event);
            remember(position, envelope);
            for (Broadcast broadcast : broadcasts) {
                if (broadcast.pattern.matches(event.eventType())) {
                    broadcast.queue.add(envelope);
                }
            }
            for (Group group : groups.values()) {
                group.offer(envelope);
            }
            EventBusTraffic.published();
            return envelope.position();
        } finally {
            lock.unlock();
        }
    }

    /** An event published without a trace joins the publisher's, so that its consumers' work can be followed. */
    public static Event inCurrentTrace(Event event) {
        return event.traceparent() != null ? event : event.withTraceparent(Trace.outgoing());
    }

    private void remember(long position, EventEnvelope envelope) {
        int slot = (int) ((position - 1) % historySize);
        EventEnvelope evicted = history[slot];
        if (evicted != null) {
            // The same event id may have been published again later; only forget the mapping that points here.
            positionByEventId.remove(evicted.event().eventId(), Long.parseLong(evicted.position()));
        }
        history[slot] = envelope;
        positionByEventId.put(envelope.event().eventId(), position);
    }

    @Override
    public Subscription subscribe(String pattern, Consumer<EventEnvelope> handler) {
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        lock.lock();
        try {
            requireOpen();
            var broadcast = new Broadcast(eventTypes, handler);
            broadcasts.add(broadcast);
            broadcast.start();
            return broadcast;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription subscribeGroup(String group, String pattern, Consumer<EventEnvelope> handler) {
        Objects.requireNonNull(group, "group");
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        lock.lock();
        try {
            requireOpen();
            // A new group starts from now, like the Redis bus; an existing one keeps what arrived while it was away.
            Group state = groups.computeIfAbsent(group, name -> new Group(name, eventTypes));
            if (!state.pattern.pattern().equals(eventTypes.pattern())) {
                throw new IllegalArgumentException("consumer group '" + group + "' subscribes to '" + state.pattern
                        + "'; all its members must use the same pattern, not '" + pattern + "'");
            }
            var member = new GroupMember(state, handler);
            member.start();
            return member;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<EventEnvelope> after(String eventId, int limit) {
        Objects.requireNonNull(eventId, "eventId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        lock.lock();
        try {
            Long position = positionByEventId.get(eventId);
            if (position == null) {
                throw new NoSuchElementException("event " + eventId + " is not in the last " + historySize
                        + " events this bus keeps");
            }
            var later = new ArrayList<EventEnvelope>();
            for (long p = position + 1; p <= lastPosition && later.size() < limit; p++) {
                later.add(history[(int) ((p - 1) % historySize)]);
            }
            return List.copyOf(later);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isHealthy() {
        return !closed;
    }

    @Override
    public void close() {
        List<DeliveryThread> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(broadcasts);
            groups.values().forEach(group -> open.addAll(group.members));
        } finally {
            lock.unlock();
        }
        // Outside the lock: closing waits for handlers, and a handler may be publishing.
        open.forEach(DeliveryThread::close);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event bus is closed");
        }
    }

    /** What every bus implementation checks before publishing. */
    public static void requireValid(Event event) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(event.eventId(), "event.event_id");
        Objects.requireNonNull(event.eventType(), "event.event_type");
    }

    /** Waits on a queue of its own or a group's; shared by both kinds of subscriber. */
    private abstract class QueueDrainer extends DeliveryThread {
        final BlockingDeque<EventEnvelope> queue;
        private volatile Thread runner;

        QueueDrainer(String name, BlockingDeque<EventEnvelope> queue, Consumer<EventEnvelope> handler) {
            super(name, handler);
            this.queue = queue;
        }

        @Override
        protected void runLoop() {
            runner = Thread.currentThread();
            try {
                while (isOpen()) {
                    EventEnvelope next = queue.takeFirst();
                    if (!deliver(next)) {
                        // Closed between taking and delivering: a group's next member must still get it.
                        queue.offerFirst(next);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // close() interrupts an idle drainer; ending the loop is the point.
            }
        }

        @Override
        protected void wake() {
            Thread thread = runner;
            if (thread != null) {
                thread.interrupt();
            }
            // If the thread has not reached the loop yet, it will see isOpen() == false there.
        }
    }

    private final class Broadcast extends QueueDrainer {
        final EventTypePattern pattern;

        Broadcast(EventTypePattern pattern, Consumer<EventEnvelope> handler) {
            super("event-bus-subscriber-" + pattern, new LinkedBlockingDeque<>(), handler);
            this.pattern = pattern;
        }

        @Override
        protected void released() {
            lock.lock();
            try {
                broadcasts.remove(this);
            } finally {
                lock.unlock();
            }
            queue.clear();
        }
    }

    /**
     * A consumer group: one queue that its members take from, so each event goes to one member, and that keeps
     * filling while no member is there.
     */
    private final class Group {
        final String name;
        final EventTypePattern pattern;
        final BlockingDeque<EventEnvelope> backlog = new LinkedBlockingDeque<>();
        final List<GroupMember> members = new ArrayList<>();
        private long dropped;

        Group(String name, EventTypePattern pattern) {
            this.name = name;
            this.pattern = pattern;
        }

        /** Called under the bus lock. */
        void offer(EventEnvelope envelope) {
            if (!pattern.matches(envelope.event().eventType())) {
                return;
            }
            // Bounded like the history, so a group that never comes back cannot exhaust memory; Redis trims alike.
            if (backlog.size() >= historySize && backlog.pollFirst() != null && dropped++ % historySize == 0) {
                LOG.warn("consumer group '{}' is {} events behind; dropping its oldest ({} so far)",
                        name, historySize, dropped);
            }
            backlog.add(envelope);
        }
    }

    private final class GroupMember extends QueueDrainer {
        private final Group group;

        GroupMember(Group group, Consumer<EventEnvelope> handler) {
            super("event-bus-group-" + group.name, group.backlog, handler);
            this.group = group;
            group.members.add(this);
        }

        @Override
        protected void released() {
            lock.lock();
            try {
                group.members.remove(this);
            } finally {
                lock.unlock();
            }
        }
    }
}
