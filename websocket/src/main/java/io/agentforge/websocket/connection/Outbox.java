package io.agentforge.websocket.connection;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The messages waiting for one client and the one thread that writes them. Publishers only ever {@link #offer}: a
 * full outbox answers false at once instead of blocking, so a client that stops reading can hold up nobody but itself,
 * and its backlog never exceeds the capacity.
 *
 * <p>The writer is a virtual thread started when the first message arrives and ending when the queue is empty, so an
 * idle connection holds no thread (and no stack for the garbage collector to walk); at most one runs at a time, which
 * keeps Helidon's blocking {@code send} to one caller per connection.
 */
public final class Outbox {
    /** Marks a ping in the queue; compared by identity, so no message text can be mistaken for it. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String PING = new String("ping");
    private static final Thread.Builder WRITERS = Thread.ofVirtual().name("ws-send");

    private final ArrayBlockingQueue<String> queue;
    private final ClientSocket socket;
    private final Consumer<Throwable> onSendFailure;
    private final LongAdder sentCounter;
    private final AtomicInteger highWater = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicReference<Thread> writer = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param onSendFailure told once when a write fails (the client is gone)
     * @param sentCounter   counts every message written, shared by all connections for the service's stats
     */
    public Outbox(int capacity, ClientSocket socket, Consumer<Throwable> onSendFailure, LongAdder sentCounter) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.socket = socket;
        this.onSendFailure = onSendFailure;
        this.sentCounter = sentCounter;
    }

    /** Queues a message without waiting; false when the outbox is full or closed. */
    public boolean offer(String json) {
        if (closed || !queue.offer(json)) {
            return false;
        }
        highWater.accumulateAndGet(queue.size(), Math::max);
        startWriterIfIdle();
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
        startWriterIfIdle();
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
     * Stops the writer and frees the backlog. Interrupting a virtual thread blocked in a socket write closes that
     * socket, which is what unblocks a writer stuck behind a client that never reads.
     */
    public void close() {
        closed = true;
        queue.clear();
        var current = writer.get();
        if (current != null) {
            current.interrupt();
        }
    }

    private void startWriterIfIdle() {
        if (writing.compareAndSet(false, true)) {
            WRITERS.start(this::writeUntilEmpty);
        }
    }

    private void writeUntilEmpty() {
        writer.set(Thread.currentThread());
        try {
            while (!closed) {
                var message = queue.poll();
                if (message == null) {
                    writing.set(false);
                    // A message offered between poll() and set(false) saw a writer running and started none.
                    if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                if (message == PING) {
                    socket.ping();
                } else {
                    socket.send(message);
                    sentCounter.increment();
                }
            }
        } catch (Exception e) {
            if (!closed) {
                onSendFailure.accept(e);
            }
        } finally {
            // Only our own entry: a writer started after this one stopped polling may already have replaced it.
            writer.compareAndSet(Thread.currentThread(), null);
        }
    }
}
