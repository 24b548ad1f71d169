package io.agentforge.contracts.errors;

import java.util.Map;

/**
 * The request is well formed but the current state forbids it, e.g. cancelling a finished job or starting a phase
 * whose prerequisite is missing (HTTP 409). The details tell the caller what is missing.
 */
public final class ConflictException extends ServiceException {
    private final Map<String, Object> details;

    public ConflictException(String message) {
        this(message, Map.of());
    }

    public ConflictException(String message, Map<String, Object> details) {
        super(message);
        this.details = Map.copyOf(details);
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }
}
