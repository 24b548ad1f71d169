package io.agentforge.contracts.errors;

import java.util.Map;

/**
 * The request is valid but this server cannot do it yet, e.g. a phase whose runner does not exist (HTTP 501): our
 * limitation, not the caller's error.
 */
public final class NotImplementedException extends ServiceException {
    private final Map<String, Object> details;

    public NotImplementedException(String message, Map<String, Object> details) {
        super(message);
        this.details = Map.copyOf(details);
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }
}
