package io.agentforge.websocket.connection;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The messages waiting for one client and the one thread that writes them. Publishers only ever {@link #offer}: a
 * full outbox answers false at once instead of blocking, so a client that stops reading can hold up nobody but itself,
 * and its backlog never exceeds the capacity.
 */
public final class Outbox {
    /** Marks a ping in the queue; compared by identity, so no message text can be mistaken for it. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String PING = new String("ping");

    private final ArrayBlockingQueue<String> queue;
    private final ClientSocket socket;
    private final Consumer<Throwable> onSendFailure;
    private final LongAdder sentCounter;
    private final AtomicInteger highWater = new AtomicInteger();
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param onSendFailure told once when a write fails (the client is gone)
     * @param sentCounter   counts every message written, shared by all connections for the service's stats
     */
    public Outbox(String name, int capacity, ClientSocket socket, Consumer<Throwable> onSendFailure,
                  LongAdder sentCounter) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.socket = socket;
        this.onSendFailure = onSendFailure;
        this.sentCounter = sentCounter;
        // A virtual thread per client: it spends its life parked on the queue or blocked in a socket write.
        this.sender = Thread.ofVirtual().name("ws-send-" + name).unstarted(this::sendUntilClosed);
    }

    public void start() {
        sender.start();
    }

    /** Queues a message without waiting; false when the outbox is full or closed. */
    public boolean offer(String json) {
        if (closed || !queue.offer(json)) {
            return false;
        }
        highWater.accumulateAndGet(queue.size(), Math::max);
        return true;
    }

    /**
     * Queues a message, waiting up to the timeout for room. Only for the client's own thread (a replay to a resuming
     * client), never for a publisher.
     */
    public boolean put(String json, long timeoutMillis) throws InterruptedException {
        if (closed || !queue.offer(json, timeoutMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        highWater.accumulateAndGet(queue.size(), Math::max);
        return true;
    }

    /** Queues a ping; skipped when the outbox is full, since such a client is about to be dropped anyway. */
    public void ping() {
        offer(PING);
    }

    public int depth() {
        return queue.size();
    }

    /** The deepest the queue has been. */
    public int highWater() {
        return highWater.get();
    }

    public int capacity() {
        return queue.remainingCapacity() + queue.size();
    }

    /**
     * Stops the sender and frees the backlog. Interrupting a virtual thread blocked in a socket write closes that
     * socket, which is what unblocks a sender stuck behind a client that never reads.
     */
    public void close() {
        closed = true;
        queue.clear();
        sender.interrupt();
    }

    private void sendUntilClosed() {
        try {
            while (!closed) {
                var message = queue.take();
                if (message == PING) {
                    socket.ping();
                } else {
                    socket.send(message);
                    sentCounter.increment();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Exception e) {
            if (!closed) {
                onSendFailure.accept(e);
            }
        }
    }
}
