package io.agentforge.training.jobs;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Training jobs as records: submitting, reading, listing and counting them, and the changes an operator makes
 * whoever runs the job (cancel, requeue a lost run, pause, resume). What a replica does on behalf of its own run is in
 * {@link JobQueue}; the metric history is in {@link JobMetricHistory}. All three share the {@code training_jobs}
 * table of the Training service's schema.
 */
public final class JobStore {
    private final Database database;
    private final Clock clock;

    public JobStore(Database database) {
        this(database, Clock.systemUTC());
    }

    /** @param clock the time used for the stamps it writes; tests pass one they move by hand */
    public JobStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Queues a new pending job with a fresh UUID, outside any trace. */
    public TrainingJob insert(JobRequest request) {
        return insert(request, null);
    }

    /**
     * Queues a new pending job with a fresh UUID.
     *
     * @param traceparent the W3C trace context of the submitting request, kept so that the job's run joins it; may
     *                    be null
     */
    public TrainingJob insert(JobRequest request, String traceparent) {
        if (request.phase() == null) {
            throw new InvalidRequestException("phase", "one of " + ModelPhase.wireNames(), null);
        }
        if (request.config() == null) {
            throw new InvalidRequestException("config", "a training config", null);
        }
        var id = UUID.randomUUID().toString();
        var now = Sql.now(clock);
        return database.inTransaction(connection -> {
            try (var insert = connection.prepareStatement("INSERT INTO training_jobs (id, phase, config, parameters,"
                    + " status, priority, created_at, total_steps, message, traceparent)"
                    + " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, request.phase().wireName());
                insert.setString(3, Sql.json(request.config()));
                insert.setString(4, Sql.json(request.parameters()));
                insert.setInt(5, request.priority());
                Sql.setInstant(insert, 6, now);
                insert.setInt(7, request.config().maxSteps());
                insert.setString(8, "queued");
                insert.setString(9, traceparent);
                insert.executeUpdate();
            }
            return JobRows.queued(connection, id).job();
        });
    }

    /** @throws NotFoundException for an unknown id */
    public TrainingJob find(String jobId) {
        return findQueued(jobId).job();
    }

    /** The job with its queue state (priority, lease, attempts, checkpoint). */
    public QueuedJob findQueued(String jobId) {
        return database.withConnection(connection -> JobRows.queued(connection, jobId));
    }

    /** Jobs matching the query, newest first, with the total that matched; sub-jobs are parts of these, not listed. */
    public Page<TrainingJob> list(JobQuery query) {
        var where = new StringBuilder(" WHERE parent_job_id IS NULL");
        var arguments = new ArrayList<Object>();
        if (query.phase() != null) {
            where.append(" AND phase = ?");
            arguments.add(query.phase().wireName());
        }
        if (query.status() != null) {
            where.append(" AND status = ?");
            arguments.add(query.status().wireName());
        }
        return database.withConnection(connection -> Sql.page(connection, JobRows.COLUMNS, "training_jobs" + where,
                arguments, "created_at DESC, id DESC", query.page(),
                select -> JobRows.readAll(select).stream().map(QueuedJob::job).toList()));
    }

    /**
     * How many jobs are in each status (every status present, zero when none), for metrics and dashboards; sub-jobs
     * count as parts of their parents, not as jobs.
     */
    public Map<TaskStatus, Long> countByStatus() {
        return database.withConnection(connection -> {
            var counts = new EnumMap<TaskStatus, Long>(TaskStatus.class);
            for (var status : TaskStatus.values()) {
                counts.put(status, 0L);
            }
            try (var select = connection.prepareStatement("SELECT status, COUNT(*) FROM training_jobs"
                    + " WHERE parent_job_id IS NULL GROUP BY status");
                 var rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(TaskStatus.parse(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    /**
     * Ends a job whoever runs it (cancellation, an operator): sets the final status, the completion time and the
     * message, and releases the lease.
     *
     * @param message the new message, or null to keep the current one
     * @param error   the error message (for failures), or null
     * @throws NotFoundException  for an unknown id
     * @throws ConflictException  when the job is already final
     */
    public TrainingJob finish(String jobId, TaskStatus status, String message, String error) {
        JobRows.requireFinal(status);
        return database.inTransaction(connection -> {
            if (JobRows.finish(connection, Sql.now(clock), jobId, null, status, message, error)) {
                return JobRows.queued(connection, jobId).job();
            }
            var current = JobRows.queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is already " + current.job().status(),
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    /**
     * Puts a running job back in the queue after its run was lost (a crashed worker), counting the attempt. It keeps
     * its checkpoint, from which the next run continues.
     *
     * @throws NotFoundException for an unknown id
     * @throws ConflictException when the job is not running
     */
    public QueuedJob requeue(String jobId, String reason) {
        return database.inTransaction(connection -> {
            if (JobRows.requeue(connection, jobId, null, reason)) {
                return JobRows.queued(connection, jobId);
            }
            var current = JobRows.queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is " + current.job().status() + ", not running",
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    /**
     * Keeps the id of the run's first {@code training_started} event (a later start, after a pause or a requeue,
     * leaves it): a client replays the run from it.
     */
    public void rememberStartedEvent(String jobId, String eventId) {
        database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET started_event_id = ?"
                    + " WHERE id = ? AND started_event_id IS NULL")) {
                update.setString(1, eventId);
                update.setString(2, jobId);
                return update.executeUpdate();
            }
        });
    }

    /**
     * Takes a pending or running job out of the queue without finishing it: it becomes pending and paused, its lease
     * is released and its checkpoint kept. The caller stops a running worker first.
     *
     * @throws ConflictException when the job is final
     */
    public TrainingJob pause(String jobId, String message) {
        return database.inTransaction(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET status = 'pending', paused = TRUE,"
                    + " lease_owner = NULL, lease_expires_at = NULL, message = ?"
                    + " WHERE id = ? AND status IN ('pending', 'running')")) {
                update.setString(1, message == null ? "paused" : message);
                update.setString(2, jobId);
                if (update.executeUpdate() == 1) {
                    return JobRows.queued(connection, jobId).job();
                }
            }
            var current = JobRows.queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is already " + current.job().status(),
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    /**
     * Returns a paused job to the queue, where it waits its turn like any pending job.
     *
     * @throws ConflictException when the job is not paused
     */
    public TrainingJob resume(String jobId) {
        return database.inTransaction(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET paused = FALSE, message = 'queued'"
                    + " WHERE id = ? AND status = 'pending' AND paused = TRUE")) {
                update.setString(1, jobId);
                if (update.executeUpdate() == 1) {
                    return JobRows.queued(connection, jobId).job();
                }
            }
            var current = JobRows.queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is not paused (it is " + current.job().status() + ")",
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }
}
