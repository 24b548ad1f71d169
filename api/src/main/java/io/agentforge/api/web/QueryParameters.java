package io.agentforge.api.web;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.helidon.common.parameters.Parameters;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Query parameters of the list routes. A parameter the route does not know is refused by name, so that a typo
 * ({@code ?phse=cognate}) is a 400 rather than a silently unfiltered listing.
 */
final class QueryParameters {
    private final Parameters query;

    QueryParameters(Parameters query, Set<String> known) {
        this.query = query;
        for (var name : query.names()) {
            if (!known.contains(name)) {
                throw new InvalidRequestException(name, "one of the query parameters " + new TreeSet<>(known),
                        "unknown parameter " + name);
            }
        }
    }

    /** An optional value, parsed; absent or empty is null (clients send {@code ?phase=} for "any"). */
    <T> T optional(String name, Function<String, T> parse) {
        var value = query.first(name).orElse("");
        return value.isBlank() ? null : parse.apply(value.trim());
    }

    /** The raw value, or null when absent. */
    String text(String name) {
        return query.first(name).orElse(null);
    }

    /** Every value of a repeated parameter, in order; empty when absent. */
    List<String> all(String name) {
        return query.contains(name) ? query.all(name) : List.of();
    }

    PageRequest page() {
        var offset = optional("offset", text -> integer("offset", text));
        var limit = optional("limit", text -> integer("limit", text));
        return new PageRequest(offset == null ? 0 : offset, limit == null ? PageRequest.DEFAULT_LIMIT : limit);
    }

    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name, "an integer", text);
        }
    }
}
