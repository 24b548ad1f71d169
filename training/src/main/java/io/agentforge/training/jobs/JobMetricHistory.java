package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;
import io.agentforge.training.history.MetricRollups;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Each job's metric history (the {@code job_metrics} table): one point per reported step, kept in step order, and
 * the latest point mirrored on the job row while the job runs. Each point is also folded into the job's chart blocks
 * ({@link MetricRollups}) in the same transaction, so the blocks never miss a recorded point.
 */
public final class JobMetricHistory {
    private final Database database;
    private final Clock clock;

    public JobMetricHistory(Database database) {
        this(database, Clock.systemUTC());
    }

    /** @param clock the time used for the stamps it writes; tests pass one they move by hand */
    public JobMetricHistory(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Records the latest progress on the job row (progress, step, total steps, message).
     *
     * @return false when the job is not running (finished or requeued meanwhile), in which case nothing changed
     */
    public boolean updateProgress(TrainingProgress progress) {
        validate(progress);
        return database.withConnection(connection -> updateProgress(connection, progress, null));
    }

    /** Appends one point to the job's metric history. */
    public void appendMetric(TrainingProgress progress) {
        validate(progress);
        database.inTransaction(connection -> {
            JobRows.requireExists(connection, progress.jobId());
            appendMetric(connection, progress);
            return null;
        });
    }

    /**
     * Both {@link #updateProgress} and {@link #appendMetric}, in one transaction: the history never lacks the
     * point the job row shows. Appends nothing when the job is not running.
     *
     * @return false when the job is not running
     */
    public boolean recordProgress(TrainingProgress progress) {
        return recordProgress(progress, null);
    }

    /**
     * {@link #recordProgress(TrainingProgress)} only while {@code owner} holds the job's lease: a replica that lost
     * the job (its lease expired and another runs it) must not write over the new run's progress.
     *
     * @param owner the lease owner the job must have, or null for no check
     * @return false when the job is not running (under that owner)
     */
    public boolean recordProgress(TrainingProgress progress, String owner) {
        validate(progress);
        return database.inTransaction(connection -> {
            if (!updateProgress(connection, progress, owner)) {
                JobRows.requireExists(connection, progress.jobId());
                return false;
            }
            appendMetric(connection, progress);
            return true;
        });
    }

    /** The job's metric history in step order (points of the same step in the order they were recorded). */
    public List<TrainingProgress> metrics(String jobId) {
        return database.withConnection(connection -> {
            var points = new ArrayList<TrainingProgress>();
            try (var select = connection.prepareStatement("SELECT job_id, step, progress, total_steps, metrics,"
                    + " message, recorded_at FROM job_metrics WHERE job_id = ? ORDER BY step, id")) {
                select.setString(1, jobId);
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        points.add(new TrainingProgress(rows.getString("job_id"), rows.getDouble("progress"),
                                rows.getInt("step"), rows.getInt("total_steps"), rows.getString("message"),
                                Sql.numberMap(rows.getString("metrics")), Sql.instant(rows, "recorded_at")));
                    }
                }
            }
            if (points.isEmpty()) {
                JobRows.requireExists(connection, jobId);
            }
            return points;
        });
    }

    /**
     * Drops history points after {@code step}: a run resumed from the checkpoint of that step records those steps
     * again, and the history should read as one uninterrupted run.
     *
     * @return how many points were dropped
     */
    public int discardMetricsAfter(String jobId, int step) {
        return database.inTransaction(connection -> {
            try (var delete = connection.prepareStatement("DELETE FROM job_metrics WHERE job_id = ? AND step > ?")) {
                delete.setString(1, jobId);
                delete.setInt(2, step);
                int dropped = delete.executeUpdate();
                MetricRollups.discardAfter(connection, jobId, step);
                return dropped;
            }
        });
    }

    /**
     * The job's {@code tokens_seen} at its last point at or before {@code step} (0 without one): a run resumed from
     * the checkpoint of that step counts on from there.
     */
    public double tokensSeenAt(String jobId, int step) {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT metrics FROM job_metrics WHERE job_id = ?"
                    + " AND step <= ? ORDER BY step DESC, id DESC LIMIT 1")) {
                select.setString(1, jobId);
                select.setInt(2, step);
                try (var rows = select.executeQuery()) {
                    return rows.next() ? Sql.numberMap(rows.getString(1)).getOrDefault("tokens_seen", 0.0) : 0.0;
                }
            }
        });
    }

    private boolean updateProgress(Connection connection, TrainingProgress progress, String owner)
            throws SQLException {
        try (var update = connection.prepareStatement("UPDATE training_jobs SET progress = ?, current_step = ?,"
                + " total_steps = ?, message = COALESCE(?, message) WHERE id = ? AND status = 'running'"
                + (owner == null ? "" : " AND lease_owner = ?"))) {
            update.setDouble(1, progress.progress());
            update.setInt(2, progress.currentStep());
            update.setInt(3, progress.totalSteps());
            update.setString(4, progress.message());
            update.setString(5, progress.jobId());
            if (owner != null) {
                update.setString(6, owner);
            }
            return update.executeUpdate() == 1;
        }
    }

    private void appendMetric(Connection connection, TrainingProgress progress) throws SQLException {
        try (var insert = connection.prepareStatement("INSERT INTO job_metrics (job_id, step, progress, total_steps,"
                + " metrics, message, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, progress.jobId());
            insert.setInt(2, progress.currentStep());
            insert.setDouble(3, progress.progress());
            insert.setInt(4, progress.totalSteps());
            insert.setString(5, Sql.json(progress.metrics()));
            insert.setString(6, progress.message() == null ? "" : progress.message());
            var at = progress.timestamp() == null ? Sql.now(clock) : progress.timestamp();
            Sql.setInstant(insert, 7, at);
            insert.executeUpdate();
            MetricRollups.record(connection, progress.jobId(), progress.currentStep(), at, progress.metrics());
        }
    }

    private static void validate(TrainingProgress progress) {
        if (progress.jobId() == null) {
            throw new InvalidRequestException("job_id", "a job id", null);
        }
        if (!(progress.progress() >= 0 && progress.progress() <= 1)) {
            throw new InvalidRequestException("progress", "a number from 0 to 1", progress.progress());
        }
    }
}
