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
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
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
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The bus on one Redis stream, so that several processes (and replicas of one service) share it and events survive
 * a consumer's restart. Positions are stream entry ids ({@code 1764170000000-0}). Needs Redis 6.2 or later
 * (exclusive ranges, XAUTOCLAIM).
 *
 * <ul>
 *   <li>{@link #publish} is an XADD with approximate MAXLEN trimming, so the stream keeps about
 *       {@link Settings#maxLength()} events; it throws when Redis is unreachable rather than drop the event.</li>
 *   <li>{@link #subscribe} reads with XREAD BLOCK from the stream's last entry at the time of the call, on a
 *       connection and virtual thread of its own (a blocking read would stall a shared connection).</li>
 *   <li>{@link #subscribeGroup} is a Redis consumer group. A <b>new group starts from now</b> (XGROUP CREATE at
 *       {@code $}): starting from {@code 0} would replay every retained event, re-running old work, the first
 *       time a service is deployed. An existing group continues after its last delivered entry. Each member
 *       first re-reads its own pending entries (delivered, never acknowledged: the process died in the handler),
 *       then takes new ones one at a time, so a busy replica does not hoard work; entries are acknowledged after
 *       the handler returns (at-least-once). Entries left pending by a consumer that never came back (a replica
 *       that was killed and replaced under a new name) are claimed by a live member once idle for
 *       {@link Settings#claimAbandonedAfter()}; a handler that runs longer than that must hand its work off
 *       instead of holding the entry, or it will be run twice.</li>
 *   <li>{@link #after} scans back over at most {@link Settings#maxLength()} entries for the event id.</li>
 * </ul>
 * Lettuce reconnects on its own; while Redis is away the readers retry with back-off and then continue from where
 * they were, and {@link #isHealthy()} is a real PING with a short timeout.
 */
public final class RedisStreamsEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsEventBus.class);
    private static final String FIELD_EVENT_ID = "event_id";
    private static final String FIELD_EVENT_TYPE = "event_type";
    private static final String FIELD_EVENT = "event";
    private static final int READ_BATCH = 100;
    private static final int SCAN_PAGE = 500;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /**
     * How to reach and use the stream.
     *
     * @param consumerName this process's name within consumer groups; keep it stable across restarts of the same
     *                     replica (so it finds its own pending entries) and distinct between replicas
     * @param maxLength    roughly how many events the stream keeps, which also bounds {@link #after}
     * @param blockTimeout how long one blocking read waits before the reader checks whether it was closed
     * @param claimAbandonedAfter how long a delivered, unacknowledged group entry may sit idle before a live member
     *                     takes it over; {@link Duration#ZERO} turns claiming off
     */
    public record Settings(String redisUrl, String consumerName, String streamKey, long maxLength,
                           Duration blockTimeout, Duration healthTimeout, Duration claimAbandonedAfter) {
        public static final String DEFAULT_STREAM_KEY = "agentforge:events";
        public static final long DEFAULT_MAX_LENGTH = InProcessEventBus.DEFAULT_HISTORY_SIZE;

        public Settings {
            Objects.requireNonNull(redisUrl, "redisUrl");
            Objects.requireNonNull(consumerName, "consumerName");
            Objects.requireNonNull(streamKey, "streamKey");
            if (maxLength < 1) {
                throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
            }
            Objects.requireNonNull(blockTimeout, "blockTimeout");
            Objects.requireNonNull(healthTimeout, "healthTimeout");
            Objects.requireNonNull(claimAbandonedAfter, "claimAbandonedAfter");
        }

        public static Settings of(String redisUrl, String consumerName) {
            return new Settings(redisUrl, consumerName, DEFAULT_STREAM_KEY, DEFAULT_MAX_LENGTH,
                    Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMinutes(5));
        }

        /** Without the password a URL may carry, since settings end up in logs. */
        @Override
        public String toString() {
            return "Settings[redisUrl=" + redacted(redisUrl) + ", consumerName=" + consumerName + ", streamKey="
                    + streamKey + ", maxLength=" + maxLength + ", blockTimeout=" + blockTimeout + ", healthTimeout="
                    + healthTimeout + ", claimAbandonedAfter=" + claimAbandonedAfter + "]";
        }

        public Settings withStreamKey(String key) {
            return new Settings(redisUrl, consumerName, key, maxLength, blockTimeout, healthTimeout,
                    claimAbandonedAfter);
        }

        public Settings withConsumerName(String name) {
            return new Settings(redisUrl, name, streamKey, maxLength, blockTimeout, healthTimeout,
                    claimAbandonedAfter);
        }

        public Settings withMaxLength(long length) {
            return new Settings(redisUrl, consumerName, streamKey, length, blockTimeout, healthTimeout,
                    claimAbandonedAfter);
        }

        public Settings withClaimAbandonedAfter(Duration idle) {
            return new Settings(redisUrl, consumerName, streamKey, maxLength, blockTimeout, healthTimeout, idle);
        }
    }

    private final Settings settings;
    private final RedisClient client;
    /** Shared by publish, ack, after and ping; never used for blocking reads. */
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> commands;
    private final Set<DeliveryThread> subscriptions = ConcurrentHashMap.newKeySet();
    /** Member numbers in use per group, so a restarted member gets the same consumer name and its pending entries. */
    private final Map<String, Set<Integer>> groupMembers = new HashMap<>();
    private volatile boolean closed;

    /** Connects at once, so that a wrong {@code REDIS_URL} stops start-up instead of surfacing later. */
    public RedisStreamsEventBus(Settings settings) {
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
            throw new IllegalStateException("cannot reach Redis for the event bus at " + redacted(settings.redisUrl())
                    + " (REDIS_URL): " + e.getMessage(), e);
        }
        this.commands = connection.sync();
    }

    /** {@code redis://user:secret@host} becomes {@code redis://***@host}. */
    static String redacted(String url) {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }

    public Settings settings() {
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
        return register(new StreamReader(eventTypes, handler, startId));
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
            return register(new GroupReader(group, member, eventTypes, handler));
        } catch (RuntimeException e) {
            releaseMemberNumber(group, member);
            throw e;
        }
    }

    private DeliveryThread register(DeliveryThread subscription) {
        subscriptions.add(subscription);
        subscription.start();
        return subscription;
    }

    private void createGroupIfAbsent(String group) {
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

    private synchronized void releaseMemberNumber(String group, int number) {
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
    private EventEnvelope decode(StreamMessage<String, String> message) {
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

    private static boolean matches(EventTypePattern pattern, StreamMessage<String, String> message) {
        return message.getBody() != null && pattern.matches(message.getBody().get(FIELD_EVENT_TYPE));
    }

    /** Blocking reads on a connection of its own; closing the connection is how close() interrupts a read. */
    private abstract class RedisReader extends DeliveryThread {
        final StatefulRedisConnection<String, String> reads;
        private volatile Thread runner;
        private boolean failing;
        private Duration backoff = Duration.ZERO;

        RedisReader(String name, Consumer<EventEnvelope> handler) {
            super(name, handler);
            this.reads = client.connect();
        }

        @Override
        protected final void runLoop() {
            runner = Thread.currentThread();
            while (isOpen()) {
                try {
                    if (!readOnce()) {
                        return;
                    }
                    if (failing) {
                        LOG.info("{} reads from Redis again", name());
                        failing = false;
                        backoff = Duration.ZERO;
                    }
                } catch (RuntimeException e) {
                    // Redis away, a reply lost in a reconnect, or something unforeseen: this thread is the
                    // subscription, so it must outlive any one failure.
                    if (!isOpen()) {
                        return;
                    }
                    if (!failing) {
                        LOG.warn("{} cannot read from Redis, retrying: {}", name(), e.toString());
                        failing = true;
                    }
                    try {
                        recover(e);
                    } catch (RuntimeException stillFailing) {
                        LOG.debug("{} could not recover yet: {}", name(), stillFailing.toString());
                    }
                    pause();
                }
            }
        }

        /** One read and its deliveries; false when the subscription closed meanwhile. */
        abstract boolean readOnce();

        /** Prepares the next read after a failure; may itself fail while Redis is still away. */
        void recover(RuntimeException e) {
        }

        private void pause() {
            backoff = backoff.isZero() ? Duration.ofMillis(100) : backoff.multipliedBy(2);
            if (backoff.compareTo(MAX_BACKOFF) > 0) {
                backoff = MAX_BACKOFF;
            }
            long until = System.nanoTime() + backoff.toNanos();
            // wake() unparks, so closing does not wait out the back-off.
            while (isOpen() && System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
        }

        @Override
        protected void wake() {
            reads.closeAsync();
            Thread thread = runner;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        protected void released() {
            if (reads.isOpen()) {
                reads.closeAsync();
            }
            subscriptions.remove(this);
        }
    }

    private final class StreamReader extends RedisReader {
        private final EventTypePattern pattern;
        private String lastId;

        StreamReader(EventTypePattern pattern, Consumer<EventEnvelope> handler, String startId) {
            super("event-bus-subscriber-" + pattern, handler);
            this.pattern = pattern;
            this.lastId = startId;
        }

        @Override
        boolean readOnce() {
            var messages = reads.sync().xread(XReadArgs.Builder.block(settings.blockTimeout()).count(READ_BATCH),
                    StreamOffset.from(settings.streamKey(), lastId));
            for (var message : messages) {
                // Advance even past events we skip, so that a retry after a failure resumes, never repeats.
                lastId = message.getId();
                EventEnvelope envelope = matches(pattern, message) ? decode(message) : null;
                if (envelope != null && !deliver(envelope)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final class GroupReader extends RedisReader {
        private final String group;
        private final int memberNumber;
        private final io.lettuce.core.Consumer<String> consumer;
        private final EventTypePattern pattern;
        /** Own pending entries are re-read first: at start, and after a failure that may have lost a reply. */
        private boolean readPendingFirst = true;
        private long nextClaimAt = System.nanoTime();

        GroupReader(String group, int memberNumber, EventTypePattern pattern, Consumer<EventEnvelope> handler) {
            super("event-bus-group-" + group, handler);
            this.group = group;
            this.memberNumber = memberNumber;
            this.consumer = io.lettuce.core.Consumer.from(group, settings.consumerName() + "/" + memberNumber);
            this.pattern = pattern;
        }

        @Override
        boolean readOnce() {
            if (readPendingFirst) {
                if (!handlePending()) {
                    return false;
                }
                readPendingFirst = false;
            }
            if (!claimAbandoned()) {
                return false;
            }
            // One entry at a time: with several members, work goes to whichever is free.
            var messages = reads.sync().xreadgroup(consumer,
                    XReadArgs.Builder.block(settings.blockTimeout()).count(1),
                    StreamOffset.lastConsumed(settings.streamKey()));
            return handleAll(messages);
        }

        private boolean handlePending() {
            String from = "0-0";
            while (isOpen()) {
                var messages = reads.sync().xreadgroup(consumer, XReadArgs.Builder.count(READ_BATCH),
                        StreamOffset.from(settings.streamKey(), from));
                if (messages.isEmpty()) {
                    return true;
                }
                if (!handleAll(messages)) {
                    return false;
                }
                from = messages.getLast().getId();
            }
            return false;
        }

        private boolean claimAbandoned() {
            Duration idle = settings.claimAbandonedAfter();
            if (idle.isZero() || System.nanoTime() < nextClaimAt) {
                return true;
            }
            nextClaimAt = System.nanoTime() + Math.max(idle.toNanos() / 2, Duration.ofMillis(50).toNanos());
            var claimed = commands.xautoclaim(settings.streamKey(), new XAutoClaimArgs<String>()
                    .consumer(consumer).minIdleTime(idle).startId("0-0").count(READ_BATCH));
            if (!claimed.getMessages().isEmpty()) {
                LOG.info("{} took over {} abandoned entries of group '{}'", name(), claimed.getMessages().size(),
                        group);
            }
            return handleAll(claimed.getMessages());
        }

        private boolean handleAll(List<StreamMessage<String, String>> messages) {
            for (var message : messages) {
                EventEnvelope envelope = matches(pattern, message) ? decode(message) : null;
                if (envelope != null && !deliver(envelope)) {
                    // Closed before handling it: left pending, so this member gets it again when it returns.
                    return false;
                }
                // Non-matching and unreadable entries are acknowledged too, or they would stay pending forever.
                commands.xack(settings.streamKey(), group, message.getId());
            }
            return true;
        }

        @Override
        void recover(RuntimeException e) {
            readPendingFirst = true;
            if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                // Redis lost its data (restarted without persistence): the group starts again from now.
                createGroupIfAbsent(group);
            }
        }

        @Override
        protected void released() {
            super.released();
            releaseMemberNumber(group, memberNumber);
        }
    }
}
