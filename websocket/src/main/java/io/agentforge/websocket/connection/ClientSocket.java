package io.agentforge.websocket.connection;

/**
 * The network end of one connection, as the web layer provides it. {@link #send} blocks until the frame is written,
 * so only the connection's own sender thread calls it.
 */
public interface ClientSocket {
    /** Writes one text frame; blocks while the client's socket buffer is full. */
    void send(String text) throws Exception;

    /** Writes a ping control frame. */
    void ping() throws Exception;

    /** Sends a close frame with the code and reason (best effort). */
    void close(int code, String reason);

    /** Tears the connection down without waiting for the client. */
    void abort();

    /** False once the network end is gone, however it went (the peer may close without a Close frame). */
    default boolean isOpen() {
        return true;
    }
}
