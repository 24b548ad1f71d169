package io.agentforge.training.worker;

import io.agentforge.contracts.Json;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's side of the protocol stream: one JSON object per line, written whole (the heartbeat thread and the
 * training thread share it).
 */
public final class WorkerChannel {
    private final PrintStream out;
    private final AtomicInteger lastStep = new AtomicInteger();

    public WorkerChannel(PrintStream out) {
        this.out = out;
    }

    public synchronized void send(WorkerMessage message) {
        if (message instanceof WorkerMessage.Progress progress) {
            lastStep.set(progress.step());
        }
        out.println(Json.write(message));
        out.flush();
    }

    /** The step of the last progress sent, for heartbeats. */
    public int lastStep() {
        return lastStep.get();
    }
}
