package io.agentforge.websocket.connection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ClientSocket} without a network: records the text frames written and when pings were sent. A send first
 * runs the given behaviour (block, fail), so a test can play a client that stops reading or a broken connection.
 */
public final class FakeSocket implements ClientSocket {
    /** What a send does before the frame counts as written. */
    @FunctionalInterface
    public interface SendBehaviour {
        void beforeWrite(String text) throws Exception;
    }

    public final List<String> written = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} of each ping. */
    public final List<Long> pings = new CopyOnWriteArrayList<>();
    private final SendBehaviour behaviour;
    private volatile Runnable onPing = () -> { };

    public FakeSocket() {
        this(text -> { });
    }

    public FakeSocket(SendBehaviour behaviour) {
        this.behaviour = behaviour;
    }

    /** Runs on every ping, as a client answering it would (say, by telling the connection it was heard). */
    public FakeSocket onPing(Runnable action) {
        this.onPing = action;
        return this;
    }

    @Override
    public void send(String text) throws Exception {
        behaviour.beforeWrite(text);
        written.add(text);
    }

    @Override
    public void ping() {
        pings.add(System.nanoTime());
        onPing.run();
    }

    @Override
    public void close(int code, String reason) {
    }

    @Override
    public void abort() {
    }
}
