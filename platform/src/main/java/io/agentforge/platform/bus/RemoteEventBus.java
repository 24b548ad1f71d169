package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventBus;

/**
 * A bus on a server that several processes share (Redis Streams, built by the launcher). While the server is away,
 * what this process publishes waits in an outbox on local disk, which the health check reports.
 */
public interface RemoteEventBus extends EventBus {
    /** The server as health details name it, e.g. {@code Redis}. */
    String server();

    /** How many events wait in this process's outbox for the server (0 without an outbox). */
    int outboxSize();
}
