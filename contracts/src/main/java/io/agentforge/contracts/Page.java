package io.agentforge.contracts;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing: the items, the total number that matched, and where this page starts.
 *
 * @param items    the items of this page, in the listing's order
 * @param total    how many items matched the query in all
 * @param offset   the index of the first item of this page
 * @param limit    the page size that was asked for
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Page<T>(List<T> items, long total, int offset, int limit) {
    public Page {
        items = List.copyOf(items);
    }

    /** The same page with each item mapped. */
    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), total, offset, limit);
    }
}
