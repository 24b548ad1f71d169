package io.agentforge.cli.server;

/** No answer at an address: nothing listens, the host is unknown, or the connection timed out. */
public final class ServerUnreachableException extends RuntimeException {
    public ServerUnreachableException(String message) {
        super(message);
    }
}
