package io.agentforge.platform.bus;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
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
 */
public final class RedisStreamsEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsEventBus.class);
    private static final String FIELD_EVENT_ID = "event_id";
    private static final String FIELD_EVENT_TYPE = "event_type";
    private static final String FIELD_EVENT = "event";
    static final int READ_BATCH = 100;
    private static final int SCAN_PAGE = 500;

    private final RedisStreamSettings settings;
    private final RedisClient client;
    /** Shared by publish, ack, after and ping; never used for blocking reads. */
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> commands;
    private final Set<DeliveryThread> subscriptions = ConcurrentHashMap.newKeySet();
    /** Member numbers in use per group, so a restarted member gets the same consumer name and its pending entries. */
    private final Map<String, Set<Integer>> groupMembers = new HashMap<>();
    private volatile boolean closed;

    /** Connects at once, so that a wrong {@code REDIS_URL} stops start-up instead of surfacing later. */
    public RedisStreamsEventBus(RedisStreamSettings settings) {
        this.settings = settings;
        this.client = RedisClient.create(RedisURI.create(settings.redisUrl()));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail fast while disconnected: publishers see the error and PING-based health turns false at once,
                // instead of commands queueing up until Redis returns.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.blockTimeout().plusSeconds(5)))
                .build());
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new IllegalStateException("cannot reach Redis for the event bus at " + RedisStreamSettings.redacted(settings.redisUrl())
                    + " (REDIS_URL): " + e.getMessage(), e);
        }
        this.commands = connection.sync();
    }

    public RedisStreamSettings settings() {
        return settings;
    }

    @Override
    public String publish(Event event) {
        InProcessEventBus.requireValid(event);
        requireOpen();
        event = InProcessEventBus.inCurrentTrace(event);
        var body = new LinkedHashMap<String, String>();
        body.put(FIELD_EVENT_ID, event.eventId());
        // Kept beside the JSON so that readers filter and after() scans without parsing every entry.
        body.put(FIELD_EVENT_TYPE, event.eventType());
        body.put(FIELD_EVENT, Json.write(event));
        var position = commands.xadd(settings.streamKey(),
                new XAddArgs().maxlen(settings.maxLength()).approximateTrimming(), body);
        EventBusTraffic.published();
        return position;
    }

    @Override
    public Subscription subscribe(String pattern, Consumer<EventEnvelope> handler) {
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        // Fix the starting point now, not when the reader thread first runs, so nothing published after this call
        // returns can be missed. An empty stream starts from 0-0, which is "everything that will come".
        List<StreamMessage<String, String>> last = commands.xrevrange(settings.streamKey(), Range.unbounded(),
                Limit.from(1));
        String startId = last.isEmpty() ? "0-0" : last.getFirst().getId();
        return register(new StreamReader(this, eventTypes, handler, startId));
    }

    @Override
    public Subscription subscribeGroup(String group, String pattern, Consumer<EventEnvelope> handler) {
        Objects.requireNonNull(group, "group");
        var eventTypes = EventTypePattern.of(pattern);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        createGroupIfAbsent(group);
        int member = claimMemberNumber(group);
        try {
            return register(new GroupReader(this, group, member, eventTypes, handler));
        } catch (RuntimeException e) {
            releaseMemberNumber(group, member);
            throw e;
        }
    }

    /** A connection for one reader's blocking reads (a blocking read would stall the shared connection). */
    StatefulRedisConnection<String, String> connectForReads() {
        return client.connect();
    }

    /** The shared connection's commands (never for blocking reads). */
    RedisCommands<String, String> commands() {
        return commands;
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
        try {
            commands.xgroupCreate(StreamOffset.latest(settings.streamKey()), group, XGroupCreateArgs.Builder.mkstream());
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
        for (var message : commands.xrange(settings.streamKey(),
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
            var page = commands.xrevrange(settings.streamKey(), Range.from(Range.Boundary.unbounded(), upper),
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
            String reply = connection.async().ping().get(settings.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
        for (DeliveryThread subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        connection.close();
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
