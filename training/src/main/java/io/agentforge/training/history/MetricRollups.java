package io.agentforge.training.history;

import io.agentforge.contracts.errors.NotFoundException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * The blocks of {@code job_metric_rollups} ({@code V4__job_metric_rollups}): every recorded point is folded into the
 * block of its step at each grain, in the transaction that records it, so that a chart of a long run reads a few
 * thousand blocks instead of every point. Writes lock the job's row, so that a job's blocks are built from its raw
 * rows (a job recorded before the blocks existed, or a run resumed from an earlier checkpoint) without losing a
 * point recorded meanwhile.
 */
public final class MetricRollups {
    /** log2 of the steps per block, finest first: blocks of 4, 16, 64 ... 65,536 steps. */
    static final int[] GRAINS = {2, 4, 6, 8, 10, 12, 14, 16};

    private MetricRollups() {
    }

    /** Folds one just-recorded point into its blocks (nothing while the job's blocks are still to be built). */
    public static void record(Connection connection, String jobId, int step, Instant at, Map<String, Double> metrics)
            throws SQLException {
        if (!lockRolledUp(connection, jobId)) {
            return;
        }
        long millis = at.toEpochMilli();
        try (var select = connection.prepareStatement("SELECT points, first_step, last_step, last_at, folds"
                + " FROM job_metric_rollups WHERE job_id = ? AND grain = ? AND bucket = ?");
             var update = connection.prepareStatement("UPDATE job_metric_rollups SET points = ?, first_step = ?,"
                     + " last_step = ?, last_at = ?, folds = ? WHERE job_id = ? AND grain = ? AND bucket = ?");
             var insert = insert(connection)) {
            for (int grain : GRAINS) {
                int bucket = step >> grain;
                select.setString(1, jobId);
                select.setInt(2, grain);
                select.setInt(3, bucket);
                MetricFold block = null;
                try (var rows = select.executeQuery()) {
                    if (rows.next()) {
                        block = MetricFold.stored(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getLong(4),
                                rows.getString(5));
                    }
                }
                if (block == null) {
                    block = new MetricFold();
                    block.add(step, millis, metrics);
                    bind(insert, jobId, grain, bucket, block);
                    insert.addBatch();
                } else {
                    block.add(step, millis, metrics);
                    update.setInt(1, block.points());
                    update.setInt(2, block.firstStep());
                    update.setInt(3, block.lastStep());
                    update.setLong(4, block.lastAt());
                    update.setString(5, block.foldsText());
                    update.setString(6, jobId);
                    update.setInt(7, grain);
                    update.setInt(8, bucket);
                    update.addBatch();
                }
            }
            update.executeBatch();
            insert.executeBatch();
        }
    }

    /** After the job's raw points after {@code step} were deleted: its blocks from the one holding that step on. */
    public static void discardAfter(Connection connection, String jobId, int step) throws SQLException {
        if (lockRolledUp(connection, jobId)) {
            rebuildFrom(connection, jobId, step);
        }
    }

    /**
     * Builds the job's blocks from its raw rows if they were recorded before blocks existed (once, in a transaction
     * of its own); a no-op otherwise.
     *
     * @throws NotFoundException for an unknown job
     */
    static void ensureBuilt(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT metrics_rolled_up FROM training_jobs WHERE id = ?")) {
            select.setString(1, jobId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("job", jobId);
                }
                if (rows.getBoolean(1)) {
                    return;
                }
            }
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            if (!lockRolledUp(connection, jobId)) {
                rebuildFrom(connection, jobId, 0);
                try (var mark = connection.prepareStatement("UPDATE training_jobs SET metrics_rolled_up = TRUE"
                        + " WHERE id = ?")) {
                    mark.setString(1, jobId);
                    mark.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Whether the job records its blocks as it goes, read under a lock of its row until the transaction ends. */
    private static boolean lockRolledUp(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT metrics_rolled_up FROM training_jobs WHERE id = ?"
                + " FOR UPDATE")) {
            select.setString(1, jobId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("job", jobId);
                }
                return rows.getBoolean(1);
            }
        }
    }

    /**
     * Replaces every block that holds {@code step} or a later one by folding the raw rows again: blocks nest, so the
     * coarsest block holding {@code step} starts at or before every finer one, and one pass from there serves all.
     */
    private static void rebuildFrom(Connection connection, String jobId, int step) throws SQLException {
        try (var delete = connection.prepareStatement("DELETE FROM job_metric_rollups WHERE job_id = ? AND grain = ?"
                + " AND bucket >= ?")) {
            for (int grain : GRAINS) {
                delete.setString(1, jobId);
                delete.setInt(2, grain);
                delete.setInt(3, step >> grain);
                delete.addBatch();
            }
            delete.executeBatch();
        }
        var open = new MetricFold[GRAINS.length];
        int coarsest = GRAINS[GRAINS.length - 1];
        try (var select = connection.prepareStatement("SELECT step, recorded_at, metrics FROM job_metrics"
                + " WHERE job_id = ? AND step >= ? ORDER BY step, id");
             var insert = insert(connection)) {
            select.setFetchSize(10_000);
            select.setString(1, jobId);
            select.setInt(2, (step >> coarsest) << coarsest);
            int pending = 0;
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    int at = rows.getInt(1);
                    long millis = rows.getObject(2, OffsetDateTime.class).toInstant().toEpochMilli();
                    String json = rows.getString(3);
                    for (int g = 0; g < GRAINS.length; g++) {
                        int grain = GRAINS[g];
                        if (at >> grain < step >> grain) {
                            continue;   // a block before the one holding step: kept as it is
                        }
                        if (open[g] != null && open[g].lastStep() >> grain != at >> grain) {
                            bind(insert, jobId, grain, open[g].lastStep() >> grain, open[g]);
                            insert.addBatch();
                            pending++;
                            open[g] = null;
                        }
                        if (open[g] == null) {
                            open[g] = new MetricFold();
                        }
                        open[g].add(at, millis, json);
                    }
                    if (pending >= 1_000) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
            }
            for (int g = 0; g < GRAINS.length; g++) {
                if (open[g] != null) {
                    bind(insert, jobId, GRAINS[g], open[g].lastStep() >> GRAINS[g], open[g]);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static PreparedStatement insert(Connection connection) throws SQLException {
        return connection.prepareStatement("INSERT INTO job_metric_rollups (job_id, grain, bucket, points, first_step,"
                + " last_step, last_at, folds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }

    private static void bind(PreparedStatement insert, String jobId, int grain, int bucket, MetricFold block)
            throws SQLException {
        insert.setString(1, jobId);
        insert.setInt(2, grain);
        insert.setInt(3, bucket);
        insert.setInt(4, block.points());
        insert.setInt(5, block.firstStep());
        insert.setInt(6, block.lastStep());
        insert.setLong(7, block.lastAt());
        insert.setString(8, block.foldsText());
    }
}
