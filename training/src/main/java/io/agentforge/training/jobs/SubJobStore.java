package io.agentforge.training.jobs;

import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;
import io.agentforge.training.worker.SubJobTask;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sub-jobs in {@code training_jobs}: rows with a parent, a task and a key, claimed, leased, recovered and retried as
 * every job is ({@link JobQueue}), but queued by a running job's supervisor rather than a client, and left out of the
 * job lists. A task is queued once per parent and key: asking again (the parent resumed) finds the row, done or under
 * way; a cancelled one (its parent was paused) goes back to the queue.
 */
final class SubJobStore {
    /**
     * A sub-job as its parent's supervisor follows it.
     *
     * @param stats its result once completed (the {@code job_stats} row), else null
     */
    record State(String jobId, String key, TaskStatus status, String error, Map<String, Object> stats) {
    }

    private final Database database;
    private final Clock clock;

    SubJobStore(Database database) {
        this(database, Clock.systemUTC());
    }

    SubJobStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Queues the tasks under {@code parent} with its config and parameters, one above its priority (so that a parent
     * waiting for them is not overtaken by jobs queued after it); a task already queued under this key is kept as it
     * is, unless it was cancelled, when it is queued again with its attempts reset.
     */
    void queue(QueuedJob parent, List<SubJobTask> tasks) {
        var job = parent.job();
        database.inTransaction(connection -> {
            for (var task : tasks) {
                var existing = status(connection, parent.jobId(), task.key());
                if (existing == null) {
                    insert(connection, parent, task);
                } else if (existing == TaskStatus.CANCELLED) {
                    try (var update = connection.prepareStatement("UPDATE training_jobs SET status = 'pending',"
                            + " attempts = 0, completed_at = NULL, error_message = NULL, message = ?"
                            + " WHERE parent_job_id = ? AND task_key = ? AND status = 'cancelled'")) {
                        update.setString(1, "queued again by job " + job.jobId());
                        update.setString(2, parent.jobId());
                        update.setString(3, task.key());
                        update.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    private void insert(Connection connection, QueuedJob parent, SubJobTask task) throws SQLException {
        var job = parent.job();
        try (var insert = connection.prepareStatement("INSERT INTO training_jobs (id, phase, config, parameters,"
                + " status, priority, created_at, total_steps, message, traceparent, parent_job_id, task_key, task)"
                + " VALUES (?, ?, ?, ?, 'pending', ?, ?, 1, ?, ?, ?, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, job.phase().wireName());
            insert.setString(3, Sql.json(job.config()));
            insert.setString(4, Sql.json(job.parameters()));
            insert.setInt(5, parent.priority() + 1);
            Sql.setInstant(insert, 6, Sql.now(clock));
            insert.setString(7, "queued by job " + job.jobId());
            insert.setString(8, parent.traceparent());
            insert.setString(9, parent.jobId());
            insert.setString(10, task.key());
            insert.setString(11, Sql.json(task));
            insert.executeUpdate();
        }
    }

    private static TaskStatus status(Connection connection, String parentId, String key) throws SQLException {
        try (var select = connection.prepareStatement("SELECT status FROM training_jobs"
                + " WHERE parent_job_id = ? AND task_key = ?")) {
            select.setString(1, parentId);
            select.setString(2, key);
            try (var rows = select.executeQuery()) {
                return rows.next() ? TaskStatus.parse(rows.getString(1)) : null;
            }
        }
    }

    /** The sub-jobs of a parent, each with its result once it has one. */
    List<State> states(String parentId) {
        return database.withConnection(connection -> {
            var states = new ArrayList<State>();
            try (var select = connection.prepareStatement("SELECT j.id, j.task_key, j.status, j.error_message, s.stats"
                    + " FROM training_jobs j LEFT JOIN job_stats s ON s.job_id = j.id WHERE j.parent_job_id = ?")) {
                select.setString(1, parentId);
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        states.add(new State(rows.getString(1), rows.getString(2), TaskStatus.parse(rows.getString(3)),
                                rows.getString(4), PhaseStatsStore.parse(rows.getString(5))));
                    }
                }
            }
            return states;
        });
    }

    /**
     * Cancels a parent's sub-jobs that have not finished (the parent was cancelled, paused or failed), releasing
     * their leases; returns their ids, so that the replicas running them stop their workers.
     */
    List<String> cancelUnfinished(String parentId, String reason) {
        return database.inTransaction(connection -> {
            var ids = new ArrayList<String>();
            try (var select = connection.prepareStatement("SELECT id FROM training_jobs"
                    + " WHERE parent_job_id = ? AND status IN ('pending', 'running')")) {
                select.setString(1, parentId);
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            for (var id : ids) {
                JobRows.finish(connection, Sql.now(clock), id, null, TaskStatus.CANCELLED, reason, null);
            }
            return ids;
        });
    }
}
