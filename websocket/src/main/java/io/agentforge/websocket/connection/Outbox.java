package io.agentforge.websocket.connection;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The messages waiting for one client and the one thread that writes them. Publishers only ever {@link #offer}: a
 * full outbox answers false at once instead of blocking, so a client that stops reading can hold up nobody but itself,
 * and its backlog never exceeds the capacity.
 *
 * <p>The writer is a virtual thread started when the first message arrives and ending when the queue is empty, so an
 * idle connection holds no thread (and no stack for the garbage collector to walk); at most one runs at a time, which
 * keeps Helidon's blocking {@code send} to one caller per connection.
 *
 * <p>One lock guards the queue, its deepest level and whether a writer runs: an offer is a single short critical
 * section, which matters since a fan-out makes one per subscriber per event.
 */
public final class Outbox {
    private static final Thread.Builder WRITERS = Thread.ofVirtual().name("ws-send");
    private static final int REFUSED = 0;
    private static final int QUEUED = 1;
    private static final int START_WRITER = 2;

    private final int capacity;
    private final ClientSocket socket;
    private final Consumer<Throwable> onSendFailure;
    private final LongAdder sentCounter;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the writer takes a message, for a replay waiting for room. */
    private final Condition taken = lock.newCondition();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private int highWater;
    private boolean writing;
    private Thread writer;
    private volatile boolean closed;

    /**
     * @param onSendFailure told once when a write fails (the client is gone)
     * @param sentCounter   counts every message written, shared by all connections for the service's stats
     */
    public Outbox(int capacity, ClientSocket socket, Consumer<Throwable> onSendFailure, LongAdder sentCounter) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.socket = socket;
        this.onSendFailure = onSendFailure;
        this.sentCounter = sentCounter;
    }

    /** Queues a message without waiting; false when the outbox is full or closed. */
    public boolean offer(String json) {
        return offer(new Text(json));
    }

    /**
     * Queues a message, waiting up to the timeout for room. Only for the client's own thread (a replay to a resuming
     * client), never for a publisher.
     */
    public boolean put(String json, long timeoutMillis) throws InterruptedException {
        var left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int outcome;
        lock.lockInterruptibly();
        try {
            while (!closed && queue.size() >= capacity) {
                if (left <= 0) {
                    return false;
                }
                left = taken.awaitNanos(left);
            }
            outcome = enqueue(new Text(json));
        } finally {
            lock.unlock();
        }
        return started(outcome);
    }

    /** Queues a ping; skipped when the outbox is full, since such a client is about to be dropped anyway. */
    public void ping() {
        offer(Ping.FRAME);
    }

    private boolean offer(Frame frame) {
        int outcome;
        lock.lock();
        try {
            outcome = enqueue(frame);
        } finally {
            lock.unlock();
        }
        return started(outcome);
    }

    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The deepest the queue has been. */
    public int highWater() {
        lock.lock();
        try {
            return highWater;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Stops the writer and frees the backlog. Interrupting a virtual thread blocked in a socket write closes that
     * socket, which is what unblocks a writer stuck behind a client that never reads.
     */
    public void close() {
        closed = true;
        Thread current;
        lock.lock();
        try {
            queue.clear();
            taken.signalAll();
            current = writer;
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.interrupt();
        }
    }

    /**
     * With the lock held: appends unless closed or full ({@link #REFUSED}); when no writer runs, claims its start
     * ({@link #START_WRITER}), which the caller makes after unlocking.
     */
    private int enqueue(Frame frame) {
        if (closed || queue.size() >= capacity) {
            return REFUSED;
        }
        queue.addLast(frame);
        highWater = Math.max(highWater, queue.size());
        if (writing) {
            return QUEUED;
        }
        writing = true;
        return START_WRITER;
    }

    /** Starts the writer if {@link #enqueue} claimed it; true unless the message was refused. */
    private boolean started(int outcome) {
        if (outcome == START_WRITER) {
            WRITERS.start(this::writeUntilEmpty);
        }
        return outcome != REFUSED;
    }

    private void writeUntilEmpty() {
        try {
            Frame frame;
            while ((frame = next()) != null) {
                switch (frame) {
                    case Text(var json) -> {
                        socket.send(json);
                        sentCounter.increment();
                    }
                    case Ping ignored -> socket.ping();
                }
            }
        } catch (Exception e) {
            if (!closed) {
                onSendFailure.accept(e);
            }
        } finally {
            lock.lock();
            try {
                if (writer == Thread.currentThread()) {
                    writer = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The next message to write, or null, when the queue is empty or closed, after which this writer ends. */
    private Frame next() {
        lock.lock();
        try {
            var message = closed ? null : queue.pollFirst();
            if (message == null) {
                writing = false;
                return null;
            }
            writer = Thread.currentThread();
            taken.signal();
            return message;
        } finally {
            lock.unlock();
        }
    }

    /** What the writer sends next: a text frame, or a ping control frame. */
    private sealed interface Frame permits Text, Ping {
    }

    private record Text(String json) implements Frame {
    }

    private enum Ping implements Frame {
        FRAME
    }
}
