package io.agentforge.contracts.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * A job's metric history at a bounded resolution ({@code GET /jobs/{id}/metrics?buckets=N}), as columns: bucket
 * {@code i} ends at step {@code steps[i]} (the last step recorded in it) at {@code times[i]} (epoch milliseconds), and
 * every series holds its {@code min}, {@code max} and {@code last} value per bucket (null where it was not measured).
 *
 * @param buckets     the resolution asked for; there are at most this many entries per column
 * @param fromStep    the first step in the window
 * @param toStep      the last step in the window
 * @param totalPoints how many recorded points the window holds (all of them are folded into the buckets)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MetricBuckets(String jobId, int buckets, int fromStep, int toStep, int totalPoints, int[] steps,
                            long[] times, Map<String, Series> series) {

    /** The history of {@code history}'s points in the window, bucketed. */
    public static MetricBuckets of(String jobId, List<TrainingProgress> history, MetricWindow window) {
        return MetricColumns.of(history).bucket(jobId, window);
    }

    public record Series(Double[] min, Double[] max, Double[] last) {
    }
}
