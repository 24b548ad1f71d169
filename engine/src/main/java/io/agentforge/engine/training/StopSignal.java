package io.agentforge.engine.training;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running trainer to stop: it finishes the current step, writes a checkpoint and returns. Safe to request from
 * any thread.
 */
public final class StopSignal {

    private final AtomicBoolean requested = new AtomicBoolean();

    public void request() {
        requested.set(true);
    }

    public boolean isRequested() {
        return requested.get();
    }
}
