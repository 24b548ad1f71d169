package io.agentforge.contracts.errors;

import java.util.Map;

/**
 * A failure a caller can act on. Sealed: the web layer's mapping to HTTP statuses is exhaustive.
 */
public sealed abstract class ServiceException extends RuntimeException
        permits InvalidRequestException, NotFoundException, ConflictException, PayloadTooLargeException,
        DependencyUnavailableException, NotImplementedException {

    protected ServiceException(String message) {
        super(message);
    }

    protected ServiceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Extra fields a client may read in the error envelope's data (e.g. {@code required_phase}); empty by default. */
    public Map<String, Object> details() {
        return Map.of();
    }
}
