package io.agentforge.contracts.errors;

/**
 * The thing asked for does not exist (HTTP 404).
 */
public final class NotFoundException extends ServiceException {
    public NotFoundException(String kind, String id) {
        super(kind + " " + id + " not found");
    }
}
