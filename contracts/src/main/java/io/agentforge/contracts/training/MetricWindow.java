package io.agentforge.contracts.training;

import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What part of a job's metric history to answer, and at what resolution: {@code GET /jobs/{id}/metrics?buckets=N
 * &from=&to=&metric=}.
 *
 * @param buckets at most this many points per series
 * @param from    the first step, inclusive; null for the first recorded
 * @param to      the last step, inclusive; null for the last recorded
 * @param metrics the series to answer; empty for all
 */
public record MetricWindow(int buckets, Integer from, Integer to, Set<String> metrics) {
    public static final int MAX_BUCKETS = 10_000;

    public MetricWindow {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new InvalidRequestException("buckets", "an integer from 1 to " + MAX_BUCKETS, buckets);
        }
        if (from != null && from < 0) {
            throw new InvalidRequestException("from", "a step of 0 or more", from);
        }
        if (to != null && from != null && to < from) {
            throw new InvalidRequestException("to", "a step not before from (" + from + ")", to);
        }
        metrics = metrics == null ? Set.of() : Set.copyOf(metrics);
    }

    /**
     * The window of a query string's texts; {@code buckets} absent means "no bucketing asked" and gives null.
     *
     * @param metrics the {@code metric} values, each a name or a comma-separated list of names
     * @throws InvalidRequestException naming the parameter that is not a number or out of range
     */
    public static MetricWindow parse(String buckets, String from, String to, List<String> metrics) {
        if (blank(buckets)) {
            if (!blank(from) || !blank(to) || !metrics.isEmpty()) {
                throw new InvalidRequestException("buckets", "an integer from 1 to " + MAX_BUCKETS
                        + " (from, to and metric select within a bucketed history)", buckets);
            }
            return null;
        }
        var names = new LinkedHashSet<String>();
        metrics.forEach(value -> Arrays.stream(value.split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).forEach(names::add));
        return new MetricWindow(integer("buckets", buckets), blank(from) ? null : integer("from", from),
                blank(to) ? null : integer("to", to), names);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name, "an integer", text);
        }
    }

    boolean wants(String metric) {
        return metrics.isEmpty() || metrics.contains(metric);
    }
}
