package io.agentforge.websocket.protocol;

/**
 * A client message the server cannot act on. It is answered with an {@code error} message; the connection stays open.
 *
 * @see WireMessages#error
 */
public final class ProtocolException extends Exception {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A stable machine-readable reason, e.g. {@code malformed_json}, {@code unknown_type}. */
    public String code() {
        return code;
    }
}
