package io.agentforge.platform.bus;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * Lettuce reconnects on its own; while Redis is away the readers retry with back-off and then continue from where
 * they were, and {@link #isHealthy()} is a real PING with a short timeout.
 *
 * <p><b>Outages.</b> With an outbox directory, an event that cannot be added to the stream (Redis down, or events
 * still waiting from an earlier failure) is written to this process's {@link EventOutbox} on local disk instead, and
 * a relay thread adds the waiting events to the stream in their order once Redis answers again; {@link #publish} then
 * returns null (the event has no stream position yet). The bus also starts while Redis is down: connections,
 * consumer groups and starting positions are made on first use. Without an outbox directory {@link #publish} throws
 * while Redis is away.
 */
public final class RedisStreamsEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsEventBus.class);
    private static final String FIELD_EVENT_ID = "event_id";
    private static final String FIELD_EVENT_TYPE = "event_type";
    private static final String FIELD_EVENT = "event";
    static final int READ_BATCH = 100;
    private static final int SCAN_PAGE = 500;

    /** How many events may wait in the outbox while Redis is away (about 10 MB of journal at most). */
    public static final int DEFAULT_OUTBOX_CAPACITY = 20_000;
    private static final Duration RELAY_PAUSE = Duration.ofMillis(250);
    private static final Duration ORPHAN_SCAN_EVERY = Duration.ofSeconds(10);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final RedisStreamSettings settings;
    private final RedisClient client;
    /** Shared by publish, ack, after and ping; never used for blocking reads. Null until Redis was first reached. */
    private volatile StatefulRedisConnection<String, String> connection;
    private final Path outboxDirectory;
    private final int outboxCapacity;
    /** Null without an outbox directory; guarded by {@link #outboxLock}. */
    private final EventOutbox outbox;
    private final Object outboxLock = new Object();
    /** Whether events wait in the outbox: while they do, new events queue behind them to keep the order. */
    private volatile boolean outboxInUse;
    private final Thread relay;
    private long nextOrphanScan;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile long nextConnectAttempt = System.nanoTime();
    private final Set<DeliveryThread> subscriptions = ConcurrentHashMap.newKeySet();
    /** Member numbers in use per group, so a restarted member gets the same consumer name and its pending entries. */
    private final Map<String, Set<Integer>> groupMembers = new HashMap<>();
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
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.redisUrl());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("REDIS_URL is not a Redis URL (" + RedisStreamSettings.redacted(
                    settings.redisUrl()) + "): " + e.getMessage(), e);
        }
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail fast while disconnected: publishers turn to the outbox and PING-based health turns false at
                // once, instead of commands queueing up until Redis returns.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.blockTimeout().plusSeconds(5)))
                .build());
        this.outboxDirectory = outboxDirectory;
        this.outboxCapacity = outboxCapacity;
        this.outbox = outboxDirectory == null ? null
                : EventOutbox.open(outboxDirectory, settings.consumerName(), outboxCapacity);
        this.outboxInUse = outbox != null && !outbox.isEmpty();
        try {
            connection();
        } catch (RedisException e) {
            LOG.warn("Redis for the event bus at {} (REDIS_URL) is not reachable yet ({}); {}",
                    RedisStreamSettings.redacted(settings.redisUrl()), e.getMessage(), outbox == null
                            ? "publishing fails until it is" : "events wait in the outbox until it is");
        }
        this.relay = outbox == null ? null
                : Thread.ofVirtual().name("event-bus-outbox-relay").start(this::relayLoop);
    }

    /**
     * The shared connection, made on first use after Redis was away at start. One caller at a time tries, at most
     * once a second; everyone else fails at once instead of queueing behind a connect (a health check must answer).
     */
    private StatefulRedisConnection<String, String> connection() {
        var current = connection;
        if (current != null) {
            return current;
        }
        requireOpen();
        if (System.nanoTime() - nextConnectAttempt < 0 || !connecting.tryLock()) {
            throw new RedisConnectionException("Redis is not reachable yet");
        }
        try {
            if (connection == null) {
                try {
                    connection = client.connect();
                } catch (RedisException e) {
                    nextConnectAttempt = System.nanoTime() + RECONNECT_PAUSE.toNanos();
                    throw e;
                }
            }
            return connection;
        } finally {
            connecting.unlock();
        }
    }

    public RedisStreamSettings settings() {
        return settings;
    }

    @Override
    public String publish(Event event) {
        InProcessEventBus.requireValid(event);
        requireOpen();
        event = InProcessEventBus.inCurrentTrace(event);
        if (outbox == null) {
            return append(event);
        }
        if (!outboxInUse) {
            try {
                return append(event);
            } catch (RedisException e) {
                LOG.warn("Redis is not answering ({}); events wait in the outbox {} until it does", e.getMessage(),
                        outbox.file());
            }
        }
        synchronized (outboxLock) {
            if (!outbox.append(event)) {
                throw new IllegalStateException("Redis is away and the event outbox is full (" + outbox.capacity()
                        + " events waiting); event " + event.eventId() + " (" + event.eventType() + ") is lost");
            }
            outboxInUse = true;
        }
        LockSupport.unpark(relay);
        return null;
    }

    /** XADD: the event's position in the stream. */
    private String append(Event event) {
        var body = new LinkedHashMap<String, String>();
        body.put(FIELD_EVENT_ID, event.eventId());
        // Kept beside the JSON so that readers filter and after() scans without parsing every entry.
        body.put(FIELD_EVENT_TYPE, event.eventType());
        body.put(FIELD_EVENT, Json.write(event));
        var position = commands().xadd(settings.streamKey(),
                new XAddArgs().maxlen(settings.maxLength()).approximateTrimming(), body);
        EventBusTraffic.published();
        return position;
    }

    /** How many events wait in this process's outbox for Redis (0 without an outbox). */
    public int outboxSize() {
        if (outbox == null) {
            return 0;
        }
        synchronized (outboxLock) {
            return outbox.size();
        }
    }

    private void relayLoop() {
        while (!closed) {
            try {
                relayOrphans();
                relayOwn();
            } catch (RuntimeException e) {
                LOG.debug("relaying the event outbox failed, retrying: {}", e.toString());
            }
            LockSupport.parkNanos(RELAY_PAUSE.toNanos());
        }
    }

    /** One event per turn of the lock, so that publishers wait for one XADD at most. */
    private void relayOwn() {
        int relayed = 0;
        while (!closed) {
            synchronized (outboxLock) {
                var oldest = outbox.oldest();
                if (oldest.isEmpty()) {
                    outboxInUse = false;
                    break;
                }
                append(oldest.get());
                outbox.relayed();
                relayed++;
            }
        }
        if (relayed > 0) {
            LOG.info("relayed {} events from the outbox to Redis", relayed);
        }
    }

    /** Journals a killed process left in the directory: older than anything waiting here, so relayed first. */
    private void relayOrphans() {
        if (System.nanoTime() - nextOrphanScan < 0) {
            return;
        }
        nextOrphanScan = System.nanoTime() + ORPHAN_SCAN_EVERY.toNanos();
        for (var orphan : EventOutbox.orphans(outboxDirectory, outboxCapacity)) {
            try (orphan) {
                int relayed = 0;
                for (var oldest = orphan.oldest(); oldest.isPresent() && !closed; oldest = orphan.oldest()) {
                    append(oldest.get());
                    orphan.relayed();
                    relayed++;
                }
                LOG.info("relayed {} events left in {} by a process that stopped", relayed, orphan.file());
            } catch (RuntimeException e) {
                // Redis away again: the journal stays, and the next scan comes back to it.
                nextOrphanScan = System.nanoTime();
                throw e;
            }
        }
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
            createGroupIfAbsent(group);
        } catch (RedisException e) {
            // Redis is away: the member creates the group when it first reaches Redis, from the time of this call
            // (as a plain subscriber starts then), so that what is published after it is not skipped.
            createFrom = System.currentTimeMillis() + "-0";
        }
        int member = claimMemberNumber(group);
        try {
            return register(new GroupReader(this, group, member, eventTypes, handler, createFrom));
        } catch (RuntimeException e) {
            releaseMemberNumber(group, member);
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
        return client.connect();
    }

    /** The shared connection's commands (never for blocking reads). */
    RedisCommands<String, String> commands() {
        return connection().sync();
    }

    void unregister(DeliveryThread subscription) {
        subscriptions.remove(subscription);
    }

    private DeliveryThread register(DeliveryThread subscription) {
        subscriptions.add(subscription);
        subscription.start();
        return subscription;
    }

    void createGroupIfAbsent(String group) {
        createGroupIfAbsent(group, null);
    }

    /** @param fromId the first entry id the new group delivers, or null for "entries added from now on" */
    void createGroupIfAbsent(String group, String fromId) {
        var offset = fromId == null ? StreamOffset.latest(settings.streamKey())
                : StreamOffset.from(settings.streamKey(), fromId);
        try {
            commands().xgroupCreate(offset, group, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
            // The group exists: it continues after its last delivered entry, which is the point of a group.
        }
    }

    private synchronized int claimMemberNumber(String group) {
        Set<Integer> taken = groupMembers.computeIfAbsent(group, g -> new TreeSet<>());
        int number = 1;
        while (taken.contains(number)) {
            number++;
        }
        taken.add(number);
        return number;
    }

    synchronized void releaseMemberNumber(String group, int number) {
        groupMembers.computeIfPresent(group, (name, taken) -> {
            taken.remove(number);
            return taken;
        });
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
            EventEnvelope envelope = decode(message);
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
                if (message.getBody() != null && eventId.equals(message.getBody().get(FIELD_EVENT_ID))) {
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
        if (closed) {
            return false;
        }
        try {
            String reply = connection().async().ping().get(settings.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return "PONG".equals(reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (relay != null) {
            LockSupport.unpark(relay);
            try {
                relay.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DeliveryThread subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        if (outbox != null) {
            synchronized (outboxLock) {
                if (!outbox.isEmpty()) {
                    LOG.warn("{} events still wait in {}; the next process on this directory relays them",
                            outbox.size(), outbox.file());
                }
                outbox.close();
            }
        }
        var shared = connection;
        if (shared != null) {
            shared.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event bus is closed");
        }
    }

    /** Null for entries that are not ours to deliver: trimmed away while pending, or not an event we can read. */
    EventEnvelope decode(StreamMessage<String, String> message) {
        Map<String, String> body = message.getBody();
        String json = body == null ? null : body.get(FIELD_EVENT);
        if (json == null) {
            return null;
        }
        try {
            return new EventEnvelope(message.getId(), Json.read(json, Event.class));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("skipping unreadable entry {} of stream {}: {}", message.getId(), settings.streamKey(),
                    e.getMessage());
            return null;
        }
    }

    static boolean matches(EventTypePattern pattern, StreamMessage<String, String> message) {
        return message.getBody() != null && pattern.matches(message.getBody().get(FIELD_EVENT_TYPE));
    }
}
