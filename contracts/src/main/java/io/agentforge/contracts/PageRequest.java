package io.agentforge.contracts;

import io.agentforge.contracts.errors.InvalidRequestException;

/**
 * Which page of a listing to return.
 *
 * @param offset index of the first item, from 0
 * @param limit  page size, 1..{@value #MAX_LIMIT}
 */
public record PageRequest(int offset, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        if (offset < 0) {
            throw new InvalidRequestException("offset", "an integer >= 0", offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit", "an integer from 1 to " + MAX_LIMIT, limit);
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(0, limit);
    }

    public static PageRequest firstPage() {
        return new PageRequest(0, DEFAULT_LIMIT);
    }
}
