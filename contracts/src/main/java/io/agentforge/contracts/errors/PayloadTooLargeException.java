package io.agentforge.contracts.errors;

/**
 * An upload or request body is larger than the configured limit (HTTP 413); nothing of it was kept.
 */
public final class PayloadTooLargeException extends ServiceException {
    public PayloadTooLargeException(String what, long limitBytes) {
        super(what + " exceeds the limit of " + limitBytes + " bytes");
    }
}
