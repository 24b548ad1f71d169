package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.bus.DeliveryThread;
import io.agentforge.platform.bus.EventBusTraffic;
import io.agentforge.platform.bus.EventTypePattern;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.bus.RemoteEventBus;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The bus on one Redis stream, so that several processes (and replicas of one service) share it and events survive
 * a consumer's restart. Positions are stream entry ids ({@code 1764170000000-0}). Needs Redis 6.2 or later
 * (exclusive ranges, XAUTOCLAIM).
 *
 * <ul>
 *   <li>{@link #publish} is an XADD with approximate MAXLEN trimming, so the stream keeps about
 *       {@link RedisStreamSettings#maxLength()} events; it throws when Redis is unreachable rather than drop the event.</li>
 *   <li>{@link #subscribe} reads with XREAD BLOCK from the stream's last entry at the time of the call, on a
 *       connection and virtual thread of its own (a blocking read would stall a shared connection).</li>
 *   <li>{@link #subscribeGroup} is a Redis consumer group. A <b>new group starts from now</b> (XGROUP CREATE at
 *       {@code $}): starting from {@code 0} would replay every retained event, re-running old work, the first
 *       time a service is deployed. An existing group continues after its last delivered entry. Each member
 *       first re-reads its own pending entries (delivered, never acknowledged: the process died in the handler),
 *       then takes new ones one at a time, so a busy replica does not hoard work; entries are acknowledged after
 *       the handler returns (at-least-once). Entries left pending by a consumer that never came back (a replica
 *       that was killed and replaced under a new name) are claimed by a live member once idle for
 *       {@link RedisStreamSettings#claimAbandonedAfter()}; a handler that runs longer than that must hand its work off
 *       instead of holding the entry, or it will be run twice.</li>
 *   <li>{@link #after} scans back over at most {@link RedisStreamSettings#maxLength()} entries for the event id.</li>
 * </ul>
 * Lettuce reconnects on its own ({@link RedisConnections}); while Redis is away the readers retry with back-off and
 * then continue from where they were, and {@link #isHealthy()} is a real PING with a short timeout.
 *
 * <p><b>Outages.</b> With an outbox directory, an event that cannot be added to the stream (Redis down, or events
 * still waiting from an earlier failure) is written to this process's outbox on local disk instead and relayed in
 * order once Redis answers again ({@link OutboxRelay}); {@link #publish} then returns null (the event has no stream
 * position yet). The bus also starts while Redis is down: connections,
 * consumer groups and starting positions are made on first use. Without an outbox directory {@link #publish} throws
 * while Redis is away.
 */
public final class RedisStreamsEventBus implements RemoteEventBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsEventBus.class);
    static final int READ_BATCH = 100;
    private static final int SCAN_PAGE = 500;

    /** How many events may wait in the outbox while Redis is away (about 10 MB of journal at most). */
    public static final int DEFAULT_OUTBOX_CAPACITY = 20_000;

    private final RedisStreamSettings settings;
    private final RedisConnections connections;
    private final ConsumerGroups groups;
    /** Null without an outbox directory. */
    private final OutboxRelay outbox;
    private final Set<DeliveryThread> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Without an outbox: {@link #publish} throws while Redis is away. */
    public RedisStreamsEventBus(RedisStreamSettings settings) {
        this(settings, null, DEFAULT_OUTBOX_CAPACITY);
    }

    /**
     * A malformed URL fails at once (naming {@code REDIS_URL}); an unreachable Redis does not: the bus starts, keeps
     * what is published in the outbox, and connects when Redis answers.
     *
     * @param outboxDirectory where events wait while Redis is away (e.g. {@code DATA_DIR/event-outbox}); null for none
     */
    public RedisStreamsEventBus(RedisStreamSettings settings, Path outboxDirectory, int outboxCapacity) {
        this.settings = settings;
        this.connections = new RedisConnections(settings, () -> closed);
        this.groups = new ConsumerGroups(settings.streamKey(), connections::commands);
        this.outbox = outboxDirectory == null ? null
                : new OutboxRelay(outboxDirectory, settings.consumerName(), outboxCapacity, this::append);
        try {
            connections.shared();
        } catch (RedisException e) {
            LOG.warn("Redis for the event bus at {} (REDIS_URL) is not reachable yet ({}); {}",
                    RedisStreamSettings.redacted(settings.redisUrl()), e.getMessage(), outbox == null
                            ? "publishing fails until it is" : "events wait in the outbox until it is");
        }
        if (outbox != null) {
            outbox.start();
        }
    }

    public RedisStreamSettings settings() {
        return settings;
    }

    @Override
    public String server() {
        return "Redis";
    }

    @Override
    public String publish(Event event) {
        InProcessEventBus.requireValid(event);
        requireOpen();
        event = InProcessEventBus.inCurrentTrace(event);
        return outbox == null ? append(event) : outbox.publish(event);
    }

    /** XADD with approximate trimming: the event's position in the stream. */
    private String append(Event event) {
        var position = connections.commands().xadd(settings.streamKey(),
                new XAddArgs().maxlen(settings.maxLength()).approximateTrimming(), StreamEntries.body(event));
        EventBusTraffic.published();
        return position;
    }

    @Override
    public int outboxSize() {
        return outbox == null ? 0 : outbox.size();
    }

    @Override
    public Subscription subscribe(String pattern, Consumer<EventEnvelope> handler) {
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        // Fix the starting point now, not when the reader thread first runs, so nothing published after this call
        // returns can be missed. While Redis is away, the clock fixes it: entry ids are Redis's milliseconds, so
        // everything added from now on (events relayed from outboxes included) comes after this id.
        String startId;
        try {
            startId = lastEntryId();
        } catch (RedisException e) {
            startId = System.currentTimeMillis() + "-0";
        }
        return register(new StreamReader(this, eventTypes, handler, startId));
    }

    @Override
    public Subscription subscribeGroup(String group, String pattern, Consumer<EventEnvelope> handler) {
        Objects.requireNonNull(group, "group");
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        String createFrom = null;
        try {
            groups.createIfAbsent(group, null);
        } catch (RedisException e) {
            // Redis is away: the member creates the group when it first reaches Redis, from the time of this call
            // (as a plain subscriber starts then), so that what is published after it is not skipped.
            createFrom = System.currentTimeMillis() + "-0";
        }
        int member = groups.claimMember(group);
        try {
            return register(new GroupReader(this, group, member, eventTypes, handler, createFrom));
        } catch (RuntimeException e) {
            groups.releaseMember(group, member);
            throw e;
        }
    }

    /** The id of the stream's newest entry; an empty stream gives 0-0, which is "everything that will come". */
    String lastEntryId() {
        List<StreamMessage<String, String>> last = commands().xrevrange(settings.streamKey(), Range.unbounded(),
                Limit.from(1));
        return last.isEmpty() ? "0-0" : last.getFirst().getId();
    }

    /** A connection for one reader's blocking reads (a blocking read would stall the shared connection). */
    StatefulRedisConnection<String, String> connectForReads() {
        return connections.forReads();
    }

    /** The shared connection's commands (never for blocking reads). */
    RedisCommands<String, String> commands() {
        return connections.commands();
    }

    ConsumerGroups groups() {
        return groups;
    }

    void unregister(DeliveryThread subscription) {
        subscriptions.remove(subscription);
    }

    private DeliveryThread register(DeliveryThread subscription) {
        subscriptions.add(subscription);
        subscription.start();
        return subscription;
    }

    @Override
    public List<EventEnvelope> after(String eventId, int limit) {
        Objects.requireNonNull(eventId, "eventId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        requireOpen();
        String foundAt = findEntryId(eventId);
        var later = new ArrayList<EventEnvelope>();
        for (var message : commands().xrange(settings.streamKey(),
                Range.from(Range.Boundary.excluding(foundAt), Range.Boundary.unbounded()), Limit.from(limit))) {
            EventEnvelope envelope = StreamEntries.decode(message);
            if (envelope != null) {
                later.add(envelope);
            }
        }
        return List.copyOf(later);
    }

    /** Newest first, because a reconnecting client asks about a recent event. */
    private String findEntryId(String eventId) {
        Range.Boundary<String> upper = Range.Boundary.unbounded();
        long scanned = 0;
        while (scanned < settings.maxLength()) {
            long pageSize = Math.min(SCAN_PAGE, settings.maxLength() - scanned);
            var page = commands().xrevrange(settings.streamKey(), Range.from(Range.Boundary.unbounded(), upper),
                    Limit.from(pageSize));
            for (var message : page) {
                if (StreamEntries.isEvent(message, eventId)) {
                    return message.getId();
                }
            }
            if (page.size() < pageSize) {
                break;
            }
            scanned += page.size();
            upper = Range.Boundary.excluding(page.getLast().getId());
        }
        throw new NoSuchElementException("event " + eventId + " is not in the last " + settings.maxLength()
                + " events of stream " + settings.streamKey());
    }

    @Override
    public boolean isHealthy() {
        return !closed && connections.ping(settings.healthTimeout());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (outbox != null) {
            outbox.close();
        }
        for (DeliveryThread subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        connections.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event bus is closed");
        }
    }
}
