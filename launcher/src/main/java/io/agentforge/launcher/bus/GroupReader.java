package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.bus.EventTypePattern;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * One member of a Redis consumer group: its own pending entries first, then new entries one at a time, and entries a
 * vanished member left pending once they are idle long enough; each acknowledged after its handler returned.
 */
final class GroupReader extends RedisReader {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReader.class);

    private final RedisStreamsEventBus bus;
    private final String group;
    private final int memberNumber;
    private final Consumer<String> consumer;
    private final EventTypePattern pattern;
    /** Own pending entries are re-read first: at start, and after a failure that may have lost a reply. */
    private boolean readPendingFirst = true;
    private boolean groupReady;
    /** Where a group created late starts (the time of the subscription), or null when it existed at subscription. */
    private final String createFrom;
    private long nextClaimAt = System.nanoTime();

    GroupReader(RedisStreamsEventBus bus, String group, int memberNumber, EventTypePattern pattern,
                java.util.function.Consumer<EventEnvelope> handler, String createFrom) {
        super("event-bus-group-" + group, handler, bus::connectForReads, bus::unregister);
        this.createFrom = createFrom;
        this.groupReady = createFrom == null;
        this.bus = bus;
        this.group = group;
        this.memberNumber = memberNumber;
        this.consumer = Consumer.from(group, bus.settings().consumerName() + "/" + memberNumber);
        this.pattern = pattern;
    }

    @Override
    boolean readOnce() {
        if (!groupReady) {
            // Redis was away when the member subscribed.
            bus.groups().createIfAbsent(group, createFrom);
            groupReady = true;
        }
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
        var messages = reads().xreadgroup(consumer,
                XReadArgs.Builder.block(bus.settings().blockTimeout()).count(1),
                StreamOffset.lastConsumed(bus.settings().streamKey()));
        return handleAll(messages);
    }

    private boolean handlePending() {
        String from = "0-0";
        while (isOpen()) {
            var messages = reads().xreadgroup(consumer, XReadArgs.Builder.count(RedisStreamsEventBus.READ_BATCH),
                    StreamOffset.from(bus.settings().streamKey(), from));
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
        Duration idle = bus.settings().claimAbandonedAfter();
        if (idle.isZero() || System.nanoTime() < nextClaimAt) {
            return true;
        }
        nextClaimAt = System.nanoTime() + Math.max(idle.toNanos() / 2, Duration.ofMillis(50).toNanos());
        var claimed = bus.commands().xautoclaim(bus.settings().streamKey(), new XAutoClaimArgs<String>()
                .consumer(consumer).minIdleTime(idle).startId("0-0").count(RedisStreamsEventBus.READ_BATCH));
        if (!claimed.getMessages().isEmpty()) {
            LOG.info("{} took over {} abandoned entries of group '{}'", name(), claimed.getMessages().size(),
                    group);
        }
        return handleAll(claimed.getMessages());
    }

    private boolean handleAll(List<StreamMessage<String, String>> messages) {
        for (var message : messages) {
            EventEnvelope envelope = StreamEntries.matches(pattern, message) ? StreamEntries.decode(message) : null;
            if (envelope != null && !deliver(envelope)) {
                // Closed before handling it: left pending, so this member gets it again when it returns.
                return false;
            }
            // Non-matching and unreadable entries are acknowledged too, or they would stay pending forever.
            bus.commands().xack(bus.settings().streamKey(), group, message.getId());
        }
        return true;
    }

    @Override
    void recover(RuntimeException e) {
        readPendingFirst = true;
        if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
            // Redis lost its data (restarted without persistence): the group starts again from now.
            bus.groups().createIfAbsent(group, null);
        }
    }

    @Override
    protected void released() {
        super.released();
        bus.groups().releaseMember(group, memberNumber);
    }
}
