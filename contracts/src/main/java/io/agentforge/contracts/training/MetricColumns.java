package io.agentforge.contracts.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's metric history as columns, in step order: one step and one time per point, and one array per metric with
 * NaN where a point did not measure it (an evaluation runs every few steps only). Columns because a chart takes them
 * as they are and because bucketing a million points is then a pass over a few arrays. Grows by {@link #append};
 * not thread-safe.
 */
public final class MetricColumns {
    private int size;
    private int[] steps = new int[64];
    private long[] times = new long[64];
    private final Map<String, double[]> values = new LinkedHashMap<>();

    /** Columns of a history as the contract's records hold it, e.g. from {@link TrainingService#metrics}. */
    public static MetricColumns of(List<TrainingProgress> history) {
        var columns = new MetricColumns();
        for (var point : history) {
            var at = columns.append(point.currentStep(),
                    point.timestamp() == null ? 0 : point.timestamp().toEpochMilli());
            point.metrics().forEach((name, value) -> columns.set(at, name, value == null ? Double.NaN : value));
        }
        return columns;
    }

    /** Adds a point with no values yet; returns its index for {@link #set}. */
    public int append(int step, long epochMillis) {
        if (size == steps.length) {
            int capacity = size * 2;
            steps = Arrays.copyOf(steps, capacity);
            times = Arrays.copyOf(times, capacity);
            values.replaceAll((name, column) -> grown(column, capacity));
        }
        steps[size] = step;
        times[size] = epochMillis;
        for (var column : values.values()) {
            column[size] = Double.NaN;
        }
        return size++;
    }

    public void set(int index, String metric, double value) {
        values.computeIfAbsent(metric, name -> {
            var column = new double[steps.length];
            Arrays.fill(column, Double.NaN);
            return column;
        })[index] = value;
    }

    /** Forgets the points from {@code index} on (a run resumed from an earlier checkpoint records them again). */
    public void truncate(int index) {
        size = Math.min(size, Math.max(0, index));
    }

    public int size() {
        return size;
    }

    public int step(int index) {
        return steps[index];
    }

    public int lastStep() {
        return size == 0 ? -1 : steps[size - 1];
    }

    /** The index of the first point at or after {@code step} ({@link #size()} when none). */
    public int indexOf(int step) {
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (steps[middle] < step) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** About how much memory the columns hold, for a cache that bounds it. */
    public long bytes() {
        return (long) steps.length * (4 + 8 + 8L * values.size());
    }

    /**
     * At most {@code window.buckets()} points per series over the window's steps, each the min, max and last value
     * of the points in its bucket: a spike stays visible (as a bucket's max) however far the history is zoomed out.
     * The buckets split the step range evenly; a bucket with no point is left out, and a window with no more points
     * than buckets answers every point as it is (min = max = last).
     */
    public MetricBuckets bucket(String jobId, MetricWindow window) {
        int first = window.from() == null ? 0 : indexOf(window.from());
        int end = window.to() == null ? size : indexOf(window.to() + 1);
        end = Math.max(first, end);
        int count = end - first;
        int fromStep = count == 0 ? (window.from() == null ? 0 : window.from()) : steps[first];
        int toStep = count == 0 ? fromStep : steps[end - 1];
        long span = (long) toStep - fromStep + 1;
        int buckets = (int) Math.min(window.buckets(), Math.min(count, span));

        // The bucket of each point, then per bucket: the last point's step and time, and each series' fold.
        var xs = new int[buckets];
        var ts = new long[buckets];
        int emitted = 0;
        int current = -1;
        var names = values.keySet().stream().filter(window::wants).toList();
        var folds = new SeriesFold[names.size()];
        var columns = new double[names.size()][];
        for (int n = 0; n < folds.length; n++) {
            folds[n] = new SeriesFold(buckets);
            columns[n] = values.get(names.get(n));
        }
        for (int i = first; i < end; i++) {
            int bucket = count <= buckets ? i - first : (int) ((steps[i] - (long) fromStep) * buckets / span);
            if (bucket != current) {
                current = bucket;
                emitted++;
                for (var fold : folds) {
                    fold.open();
                }
            }
            xs[emitted - 1] = steps[i];
            ts[emitted - 1] = times[i];
            for (int n = 0; n < folds.length; n++) {
                folds[n].add(columns[n][i]);
            }
        }
        var series = new LinkedHashMap<String, MetricBuckets.Series>();
        for (int n = 0; n < folds.length; n++) {
            series.put(names.get(n), folds[n].series(emitted));
        }
        return new MetricBuckets(jobId, window.buckets(), fromStep, toStep, count, Arrays.copyOf(xs, emitted),
                Arrays.copyOf(ts, emitted), series);
    }

    private static double[] grown(double[] column, int capacity) {
        var bigger = Arrays.copyOf(column, capacity);
        Arrays.fill(bigger, column.length, capacity, Double.NaN);
        return bigger;
    }

    /** One series' min, max and last over the buckets opened so far; NaN (null on the wire) where not measured. */
    private static final class SeriesFold {
        private final double[] min;
        private final double[] max;
        private final double[] last;
        private int bucket = -1;

        SeriesFold(int buckets) {
            min = new double[buckets];
            max = new double[buckets];
            last = new double[buckets];
            Arrays.fill(min, Double.NaN);
            Arrays.fill(max, Double.NaN);
            Arrays.fill(last, Double.NaN);
        }

        void open() {
            bucket++;
        }

        void add(double value) {
            if (Double.isNaN(value)) {
                return;
            }
            if (Double.isNaN(last[bucket])) {
                min[bucket] = value;
                max[bucket] = value;
            } else {
                min[bucket] = Math.min(min[bucket], value);
                max[bucket] = Math.max(max[bucket], value);
            }
            last[bucket] = value;
        }

        MetricBuckets.Series series(int buckets) {
            return new MetricBuckets.Series(boxed(min, buckets), boxed(max, buckets), boxed(last, buckets));
        }

        private static Double[] boxed(double[] values, int count) {
            var boxed = new Double[count];
            for (int i = 0; i < count; i++) {
                boxed[i] = Double.isNaN(values[i]) ? null : values[i];
            }
            return boxed;
        }
    }
}
