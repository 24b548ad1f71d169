package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.Event;
import io.lettuce.core.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Publishing through this process's {@link EventOutbox} while Redis is away: an event that cannot be added to the
 * stream (Redis down, or events still waiting from an earlier failure, which it must not overtake) goes to the
 * outbox, and a relay thread adds the waiting events to the stream in their order once Redis answers again, after
 * the journals that killed processes left in the same directory.
 */
final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration RELAY_PAUSE = Duration.ofMillis(250);
    private static final Duration ORPHAN_SCAN_EVERY = Duration.ofSeconds(10);

    private final Path directory;
    private final int capacity;
    /** Adds one event to the stream, or throws while Redis is away. */
    private final Function<Event, String> append;
    /** Guarded by {@link #lock}. */
    private final EventOutbox outbox;
    private final Object lock = new Object();
    /** Whether events wait in the outbox: while they do, new events queue behind them to keep the order. */
    private volatile boolean inUse;
    private final Thread relay;
    private long nextOrphanScan;
    private volatile boolean closed;

    /** Opens this process's outbox in the directory; the relay starts with {@link #start()}. */
    OutboxRelay(Path directory, String name, int capacity, Function<Event, String> append) {
        this.directory = directory;
        this.capacity = capacity;
        this.append = append;
        this.outbox = EventOutbox.open(directory, name, capacity);
        this.inUse = !outbox.isEmpty();
        this.relay = Thread.ofVirtual().name("event-bus-outbox-relay").unstarted(this::relayLoop);
    }

    void start() {
        relay.start();
    }

    /** The event's stream position, or null when it waits in the outbox. */
    String publish(Event event) {
        if (!inUse) {
            try {
                return append.apply(event);
            } catch (RedisException e) {
                LOG.warn("Redis is not answering ({}); events wait in the outbox {} until it does", e.getMessage(),
                        outbox.file());
            }
        }
        synchronized (lock) {
            if (!outbox.append(event)) {
                throw new IllegalStateException("Redis is away and the event outbox is full (" + outbox.capacity()
                        + " events waiting); event " + event.eventId() + " (" + event.eventType() + ") is lost");
            }
            inUse = true;
        }
        LockSupport.unpark(relay);
        return null;
    }

    int size() {
        synchronized (lock) {
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
            synchronized (lock) {
                var oldest = outbox.oldest();
                if (oldest.isEmpty()) {
                    inUse = false;
                    break;
                }
                append.apply(oldest.get());
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
        for (var orphan : EventOutbox.orphans(directory, capacity)) {
            try (orphan) {
                int relayed = 0;
                for (var oldest = orphan.oldest(); oldest.isPresent() && !closed; oldest = orphan.oldest()) {
                    append.apply(oldest.get());
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

    /** Stops the relay; what still waits stays on disk for the next process on this directory. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(relay);
        try {
            relay.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalThreadStateException e) {
            // never started
        }
        synchronized (lock) {
            if (!outbox.isEmpty()) {
                LOG.warn("{} events still wait in {}; the next process on this directory relays them",
                        outbox.size(), outbox.file());
            }
            outbox.close();
        }
    }
}
