package io.agentforge.training.history;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.training.MetricBuckets;
import io.agentforge.contracts.training.MetricColumns;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.platform.persistence.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's metric history at a chart's resolution ({@code GET /jobs/{id}/metrics?buckets=N}), answered from the
 * database with no state of its own, so any replica answers alike and the first request after a start is as quick as
 * the next. A window of at least 4·N steps is read from the coarsest grain of {@link MetricRollups} that still has N
 * blocks in it (between N and 4·N blocks), its ragged edges from finer grains and, below the finest, from raw rows; a
 * smaller window is read from the raw rows ({@code job_metrics}, by its {@code (job_id, step, id)} index). Each
 * bucket of the answer is the fold of whole blocks, so its max is the raw max of its points: no spike is lost.
 */
public final class MetricHistory {
    private final Database database;

    public MetricHistory(Database database) {
        this.database = database;
    }

    /** @throws NotFoundException for an unknown job */
    public MetricBuckets buckets(String jobId, MetricWindow window) {
        return database.withConnection(connection -> {
            MetricRollups.ensureBuilt(connection, jobId);
            int[] recorded = recordedSteps(connection, jobId);
            if (recorded == null) {
                return new MetricColumns().bucket(jobId, window);
            }
            int from = window.from() == null ? recorded[0] : Math.max(window.from(), recorded[0]);
            int to = window.to() == null ? recorded[1] : Math.min(window.to(), recorded[1]);
            long span = (long) to - from + 1;
            if (span < (long) window.buckets() << MetricRollups.GRAINS[0]) {
                return rawColumns(connection, jobId, from, to).bucket(jobId, window);
            }
            int coarsest = 0;
            while (coarsest + 1 < MetricRollups.GRAINS.length
                    && span >> MetricRollups.GRAINS[coarsest + 1] >= window.buckets()) {
                coarsest++;
            }
            var pieces = new ArrayList<MetricFold>();
            cover(connection, jobId, from, to, coarsest, pieces);
            return answer(jobId, window, from, span, pieces);
        });
    }

    /** The job's first and last recorded step, or null when it has none. */
    private static int[] recordedSteps(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT MIN(first_step), MAX(last_step) FROM job_metric_rollups"
                + " WHERE job_id = ? AND grain = ?")) {
            select.setString(1, jobId);
            select.setInt(2, MetricRollups.GRAINS[MetricRollups.GRAINS.length - 1]);
            try (var rows = select.executeQuery()) {
                rows.next();
                int first = rows.getInt(1);
                return rows.wasNull() ? null : new int[] {first, rows.getInt(2)};
            }
        }
    }

    /**
     * Appends, in step order, folds that hold exactly the points of steps {@code from..to}: the whole blocks of grain
     * {@code GRAINS[grain]} inside the window, and the edges left over by finer grains, then raw points.
     */
    private static void cover(Connection connection, String jobId, int from, int to, int grain, List<MetricFold> pieces)
            throws SQLException {
        if (from > to) {
            return;
        }
        if (grain < 0) {
            rawPoints(connection, jobId, from, to, pieces);
            return;
        }
        int shift = MetricRollups.GRAINS[grain];
        int first = (int) (((long) from + (1L << shift) - 1) >> shift);
        int last = (int) ((((long) to + 1) >> shift) - 1);
        if (first > last) {
            cover(connection, jobId, from, to, grain - 1, pieces);
            return;
        }
        cover(connection, jobId, from, (first << shift) - 1, grain - 1, pieces);
        try (var select = connection.prepareStatement("SELECT points, first_step, last_step, last_at, folds"
                + " FROM job_metric_rollups WHERE job_id = ? AND grain = ? AND bucket BETWEEN ? AND ?"
                + " ORDER BY bucket")) {
            select.setFetchSize(5_000);
            select.setString(1, jobId);
            select.setInt(2, shift);
            select.setInt(3, first);
            select.setInt(4, last);
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    pieces.add(MetricFold.stored(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getLong(4),
                            rows.getString(5)));
                }
            }
        }
        cover(connection, jobId, (int) (((long) last + 1) << shift), to, grain - 1, pieces);
    }

    private static void rawPoints(Connection connection, String jobId, int from, int to, List<MetricFold> pieces)
            throws SQLException {
        readRaw(connection, jobId, from, to, (step, at, json) -> {
            var point = new MetricFold();
            point.add(step, at, json);
            pieces.add(point);
        });
    }

    private static MetricColumns rawColumns(Connection connection, String jobId, int from, int to)
            throws SQLException {
        var columns = new MetricColumns();
        readRaw(connection, jobId, from, to, (step, at, json) -> {
            var point = new MetricFold();
            point.add(step, at, json);
            int index = columns.append(step, at);
            point.metrics().forEach((name, fold) -> columns.set(index, name, fold[2]));
        });
        return columns;
    }

    private interface RawRow {
        void accept(int step, long epochMillis, String metricsJson);
    }

    private static void readRaw(Connection connection, String jobId, int from, int to, RawRow each)
            throws SQLException {
        try (var select = connection.prepareStatement("SELECT step, recorded_at, metrics FROM job_metrics"
                + " WHERE job_id = ? AND step BETWEEN ? AND ? ORDER BY step, id")) {
            select.setFetchSize(5_000);
            select.setString(1, jobId);
            select.setInt(2, from);
            select.setInt(3, to);
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    var at = rows.getObject(2, OffsetDateTime.class);
                    each.accept(rows.getInt(1), at == null ? 0 : at.toInstant().toEpochMilli(), rows.getString(3));
                }
            }
        }
    }

    /** The pieces (in step order) folded into at most {@code window.buckets()} buckets split evenly over the span. */
    private static MetricBuckets answer(String jobId, MetricWindow window, int from, long span,
                                        List<MetricFold> pieces) {
        var buckets = new ArrayList<MetricFold>();
        int current = -1;
        for (var piece : pieces) {
            int bucket = (int) ((piece.firstStep() - (long) from) * window.buckets() / span);
            if (bucket != current) {
                current = bucket;
                buckets.add(new MetricFold());
            }
            buckets.getLast().add(piece);
        }
        int count = buckets.size();
        var steps = new int[count];
        var times = new long[count];
        var series = new LinkedHashMap<String, Double[][]>();
        int total = 0;
        for (int b = 0; b < count; b++) {
            var bucket = buckets.get(b);
            steps[b] = bucket.lastStep();
            times[b] = bucket.lastAt();
            total += bucket.points();
            for (Map.Entry<String, double[]> metric : bucket.metrics().entrySet()) {
                if (!window.metrics().isEmpty() && !window.metrics().contains(metric.getKey())) {
                    continue;
                }
                var columns = series.computeIfAbsent(metric.getKey(), name -> new Double[3][count]);
                for (int i = 0; i < 3; i++) {
                    columns[i][b] = metric.getValue()[i];
                }
            }
        }
        var answer = new LinkedHashMap<String, MetricBuckets.Series>();
        series.forEach((name, columns) -> answer.put(name, new MetricBuckets.Series(columns[0], columns[1],
                columns[2])));
        int fromStep = count == 0 ? from : buckets.getFirst().firstStep();
        int toStep = count == 0 ? from : buckets.getLast().lastStep();
        return new MetricBuckets(jobId, window.buckets(), fromStep, toStep, total, steps, times, answer);
    }
}
