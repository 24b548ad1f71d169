package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventEnvelope;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/** Blocking reads on a connection of its own; closing the connection is how close() interrupts a read. */
abstract class RedisReader extends DeliveryThread {
    private static final Logger LOG = LoggerFactory.getLogger(RedisReader.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    final StatefulRedisConnection<String, String> reads;
    private volatile Thread runner;
    private boolean failing;
    private Duration backoff = Duration.ZERO;

    private final Consumer<RedisReader> onReleased;

    /**
     * @param reads      a connection of this reader's own, closed with it
     * @param onReleased told once the reader has stopped, e.g. to forget the subscription
     */
    RedisReader(String name, Consumer<EventEnvelope> handler, StatefulRedisConnection<String, String> reads,
                Consumer<RedisReader> onReleased) {
        super(name, handler);
        this.reads = reads;
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
        onReleased.accept(this);
    }
}
