package io.agentforge.contracts.errors;

/**
 * An upload or request body is larger than the configured limit (HTTP 413); nothing of it was kept.
 */
public final class PayloadTooLargeException extends ServiceException {
    public PayloadTooLargeException(String what, long limitBytes) {
        super(what + " exceeds the limit of " + limitBytes + " bytes");
    }

    /** With a message already phrased, e.g. as received from a remote service. */
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
