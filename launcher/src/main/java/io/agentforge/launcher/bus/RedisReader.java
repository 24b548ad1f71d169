package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.bus.DeliveryThread;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Blocking reads on a connection of its own, made on the first read (Redis may be away when the subscription is
 * made); closing the connection is how close() interrupts a read.
 */
abstract class RedisReader extends DeliveryThread {
    private static final Logger LOG = LoggerFactory.getLogger(RedisReader.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final Supplier<StatefulRedisConnection<String, String>> connect;
    private volatile StatefulRedisConnection<String, String> reads;
    private volatile Thread runner;
    private boolean failing;
    private Duration backoff = Duration.ZERO;

    private final Consumer<RedisReader> onReleased;

    /**
     * @param connect    makes a connection of this reader's own, closed with it
     * @param onReleased told once the reader has stopped, e.g. to forget the subscription
     */
    RedisReader(String name, Consumer<EventEnvelope> handler, Supplier<StatefulRedisConnection<String, String>> connect,
                Consumer<RedisReader> onReleased) {
        super(name, handler);
        this.connect = connect;
        this.onReleased = onReleased;
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

    /** This reader's connection for blocking reads, made now if Redis was not reached before. */
    final RedisCommands<String, String> reads() {
        var current = reads;
        if (current == null) {
            current = connect.get();
            reads = current;
            if (!isOpen()) {
                // Closed while connecting: wake() found nothing to close.
                current.closeAsync();
            }
        }
        return current.sync();
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
        var current = reads;
        if (current != null) {
            current.closeAsync();
        }
        Thread thread = runner;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    protected void released() {
        var current = reads;
        if (current != null && current.isOpen()) {
            current.closeAsync();
        }
        onReleased.accept(this);
    }
}
