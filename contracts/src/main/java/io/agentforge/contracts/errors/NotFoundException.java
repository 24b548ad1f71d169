package io.agentforge.contracts.errors;

/**
 * The thing asked for does not exist (HTTP 404).
 */
public final class NotFoundException extends ServiceException {
    public NotFoundException(String kind, String id) {
        super(kind + " " + id + " not found");
    }

    /** With a message already phrased, e.g. as received from a remote service. */
    public NotFoundException(String message) {
        super(message);
    }
}
