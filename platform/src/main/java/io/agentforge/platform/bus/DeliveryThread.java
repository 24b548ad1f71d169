package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscriber's handler running on its own virtual thread, so that a slow handler only delays its own
 * subscriber and each subscriber sees its events in order. Subclasses supply the loop that waits for events
 * and how to wake that wait when the subscription closes. Each handler call runs in the event's trace
 * ({@link Trace}), so its log lines carry the publisher's {@code trace_id}.
 *
 * <p>Closing waits for a handler call in progress to return: once {@link #close()} has returned, the handler is
 * not running and will not be called again, which is what callers that tear down state after unsubscribing need.
 */
public abstract class DeliveryThread implements EventBus.Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryThread.class);
    /** A handler stuck longer than this does not hold up shutdown forever. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Numbers thread names, so that two subscribers to one pattern can be told apart in a thread dump. */
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Consumer<EventEnvelope> handler;
    private final Thread thread;
    /** Guards the hand-over between "about to call the handler" and "closing", see {@link #deliver}. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean open = true;
    private boolean delivering;

    protected DeliveryThread(String name, Consumer<EventEnvelope> handler) {
        this.handler = handler;
        this.thread = Thread.ofVirtual().name(name + "-" + SEQUENCE.incrementAndGet()).unstarted(this::runLoop);
    }

    public final void start() {
        thread.start();
    }

    /** Waits for events and hands each to {@link #deliver}; returns when the subscription is closed. */
    protected abstract void runLoop();

    /**
     * Unblocks the loop's wait for the next event. Only called while no handler call is in progress, so an
     * implementation may interrupt the thread without ever interrupting a handler.
     */
    protected abstract void wake();

    /** Releases what the subscription holds, after its thread has ended (or given up on). */
    protected void released() {
    }

    protected final boolean isOpen() {
        return open;
    }

    /**
     * Calls the handler unless the subscription has been closed; returns false (without calling it) when closed,
     * so the caller can leave the event for someone else. A handler that throws is logged and counts as handled:
     * retrying a handler bug would only fail again, and must not stop the subscription.
     */
    protected final boolean deliver(EventEnvelope envelope) {
        lock.lock();
        try {
            if (!open) {
                return false;
            }
            delivering = true;
        } finally {
            lock.unlock();
        }
        // The handler works in the publisher's trace, and anything it publishes or calls carries it on.
        try (var ignored = Trace.resume(envelope.event().traceparent(), false)) {
            EventBusTraffic.delivered();
            handler.accept(envelope);
        } catch (RuntimeException e) {
            LOG.warn("event handler on {} failed for event {} ({})", thread.getName(),
                    envelope.event().eventId(), envelope.event().eventType(), e);
        } finally {
            lock.lock();
            try {
                delivering = false;
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    @Override
    public final void close() {
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            if (!delivering) {
                wake();
            }
        } finally {
            lock.unlock();
        }
        // A handler may close its own subscription; waiting for ourselves would never end.
        if (Thread.currentThread() != thread) {
            try {
                if (!thread.join(CLOSE_WAIT)) {
                    LOG.warn("{} still busy in its handler {} after close; leaving it", thread.getName(), CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        released();
    }

    protected final String name() {
        return thread.getName();
    }
}
