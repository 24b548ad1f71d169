package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.platform.persistence.Sql;
import io.agentforge.training.worker.SubJobTask;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that {@link JobStore}, {@link JobQueue} and {@link JobMetricHistory} share over {@code training_jobs}:
 * reading a row into a {@link QueuedJob}, and the two state changes both an operator and an owning replica make
 * (finishing a job, requeueing a run), with or without the owner check.
 */
final class JobRows {
    static final String COLUMNS = "id, phase, config, parameters, status, priority, paused, created_at,"
            + " started_at, completed_at, progress, current_step, total_steps, message, error_message, attempts,"
            + " lease_owner, lease_expires_at, checkpoint_path, traceparent, started_event_id, parent_job_id, task";

    private JobRows() {
    }

    static boolean finish(Connection connection, Instant now, String jobId, String owner, TaskStatus status,
                          String message, String error) throws SQLException {
        var sql = "UPDATE training_jobs SET status = ?, completed_at = ?, message = COALESCE(?, message),"
                + " error_message = ?, lease_owner = NULL, lease_expires_at = NULL, paused = FALSE"
                + (status == TaskStatus.COMPLETED ? ", progress = 1" : "")
                + " WHERE id = ? AND "
                + (owner == null ? "status IN ('pending', 'running')" : "status = 'running' AND lease_owner = ?");
        try (var update = connection.prepareStatement(sql)) {
            update.setString(1, status.wireName());
            Sql.setInstant(update, 2, now);
            update.setString(3, message);
            update.setString(4, error);
            update.setString(5, jobId);
            if (owner != null) {
                update.setString(6, owner);
            }
            return update.executeUpdate() == 1;
        }
    }

    static boolean requeue(Connection connection, String jobId, String owner, String reason) throws SQLException {
        var sql = "UPDATE training_jobs SET status = 'pending', attempts = attempts + 1, lease_owner = NULL,"
                + " lease_expires_at = NULL, message = ? WHERE id = ? AND status = 'running'"
                + (owner == null ? "" : " AND lease_owner = ?");
        try (var update = connection.prepareStatement(sql)) {
            update.setString(1, reason == null ? "requeued" : reason);
            update.setString(2, jobId);
            if (owner != null) {
                update.setString(3, owner);
            }
            return update.executeUpdate() == 1;
        }
    }

    /** Back to the queue without counting an attempt, while {@code owner} holds the job. */
    static boolean handBack(Connection connection, String jobId, String owner, String reason) throws SQLException {
        requireOwner(owner);
        try (var update = connection.prepareStatement("UPDATE training_jobs SET status = 'pending',"
                + " lease_owner = NULL, lease_expires_at = NULL, message = ?"
                + " WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
            update.setString(1, reason == null ? "requeued" : reason);
            update.setString(2, jobId);
            update.setString(3, owner);
            return update.executeUpdate() == 1;
        }
    }

    static QueuedJob queued(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM training_jobs WHERE id = ?")) {
            select.setString(1, jobId);
            var found = readAll(select);
            if (found.isEmpty()) {
                throw new NotFoundException("job", jobId);
            }
            return found.getFirst();
        }
    }

    static void requireExists(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT 1 FROM training_jobs WHERE id = ?")) {
            select.setString(1, jobId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("job", jobId);
                }
            }
        }
    }

    static List<QueuedJob> readAll(PreparedStatement select) throws SQLException {
        var jobs = new ArrayList<QueuedJob>();
        try (var rows = select.executeQuery()) {
            while (rows.next()) {
                jobs.add(queuedJob(rows));
            }
        }
        return jobs;
    }

    static QueuedJob queuedJob(ResultSet rows) throws SQLException {
        var job = new TrainingJob(rows.getString("id"), ModelPhase.parse(rows.getString("phase")),
                Sql.read(rows.getString("config"), TrainingConfig.class),
                Sql.objectMap(rows.getString("parameters")), TaskStatus.parse(rows.getString("status")),
                Sql.instant(rows, "created_at"), Sql.instant(rows, "started_at"),
                Sql.instant(rows, "completed_at"), rows.getDouble("progress"), rows.getInt("current_step"),
                rows.getString("message"), rows.getString("error_message"), null,
                rows.getString("started_event_id"));
        return new QueuedJob(job, rows.getInt("priority"), rows.getInt("total_steps"), rows.getInt("attempts"),
                rows.getString("lease_owner"), Sql.instant(rows, "lease_expires_at"),
                rows.getString("checkpoint_path"), rows.getBoolean("paused"), rows.getString("traceparent"),
                rows.getString("parent_job_id"), Sql.read(rows.getString("task"), SubJobTask.class));
    }

    static void requireFinal(TaskStatus status) {
        if (status == null || !status.isFinal()) {
            throw new IllegalArgumentException("A job finishes as completed, failed or cancelled, not " + status);
        }
    }

    static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("A lease owner is required");
        }
    }
}
