package io.agentforge.training.jobs;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Training jobs and their metric history: the persistent job queue that several Training service replicas share.
 *
 * <p>A replica takes work with {@link #claimNext}, which marks the job running under a lease in the replica's name;
 * the replica renews the lease while the job runs. Writes a replica makes on behalf of a run ({@link #finish(String,
 * String, TaskStatus, String, String)}, {@link #requeue(String, String, String)}, {@link #renewLease}) name the owner
 * and do nothing when the lease has passed to someone else, so a replica that stalled past its lease cannot
 * overwrite the job's next run. A crashed replica's jobs show up in {@link #findExpiredLeases}, and
 * {@link #recoverExpired} requeues or fails each of them.
 */
public final class JobRepository {
    private static final String COLUMNS = "id, phase, config, parameters, status, priority, paused, created_at,"
            + " started_at, completed_at, progress, current_step, total_steps, message, error_message, attempts,"
            + " lease_owner, lease_expires_at, checkpoint_path, traceparent";

    private final Database database;
    private final Clock clock;

    public JobRepository(Database database) {
        this(database, Clock.systemUTC());
    }

    /** @param clock the time used for created/started/completed stamps and leases; tests pass a fixed one */
    public JobRepository(Database database, Clock clock) {
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
            return queued(connection, id).job();
        });
    }

    /** @throws NotFoundException for an unknown id */
    public TrainingJob find(String jobId) {
        return findQueued(jobId).job();
    }

    /** The job with its queue state (priority, lease, attempts, checkpoint). */
    public QueuedJob findQueued(String jobId) {
        return database.withConnection(connection -> queued(connection, jobId));
    }

    /** Jobs matching the query, newest first, with the total that matched. */
    public Page<TrainingJob> list(JobQuery query) {
        var where = new StringBuilder(" WHERE 1 = 1");
        var arguments = new ArrayList<Object>();
        if (query.phase() != null) {
            where.append(" AND phase = ?");
            arguments.add(query.phase().wireName());
        }
        if (query.status() != null) {
            where.append(" AND status = ?");
            arguments.add(query.status().wireName());
        }
        return database.withConnection(connection -> Sql.page(connection, COLUMNS, "training_jobs" + where, arguments,
                "created_at DESC, id DESC", query.page(), select -> readAll(select).stream().map(QueuedJob::job).toList()));
    }

    /** How many jobs are in each status (every status present, zero when none), for metrics and dashboards. */
    public Map<TaskStatus, Long> countByStatus() {
        return database.withConnection(connection -> {
            var counts = new EnumMap<TaskStatus, Long>(TaskStatus.class);
            for (var status : TaskStatus.values()) {
                counts.put(status, 0L);
            }
            try (var select = connection.prepareStatement("SELECT status, COUNT(*) FROM training_jobs GROUP BY status");
                 var rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(TaskStatus.parse(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    /**
     * Atomically takes the next job: the highest priority, then the oldest, among pending jobs that are not paused;
     * marks it running with a lease held by {@code owner}. Takes nothing when {@code maxRunning} jobs are already
     * running across all replicas.
     *
     * <p>Claims are serialised by locking the {@code job_claims} row of {@code persistence_locks}: counting running
     * jobs and taking one must be a single step, or two replicas that both see one free slot would both fill it.
     * Claims are rare (one per job start) and short, so the serialisation costs nothing measurable. On PostgreSQL
     * the candidate is selected {@code FOR UPDATE SKIP LOCKED}, so a claim never waits for a job row that another
     * transaction (a cancel, a pause) holds. H2 locks every row it sorts under {@code FOR UPDATE ... LIMIT}, so there
     * the candidate is read without a lock; on both, the final {@code UPDATE ... WHERE status = 'pending'} and its
     * update count decide, and a job cancelled in between is simply not claimed.
     *
     * @param owner      who runs the job, unique per replica process (e.g. host name plus a UUID)
     * @param lease      how long the claim holds without {@link #renewLease}
     * @param maxRunning the global cap of running jobs
     */
    public Optional<QueuedJob> claimNext(String owner, Duration lease, int maxRunning) {
        requireOwner(owner);
        var candidateSql = "SELECT id FROM training_jobs WHERE status = 'pending' AND paused = FALSE"
                + " ORDER BY priority DESC, created_at, id LIMIT 1"
                + (database.isPostgres() ? " FOR UPDATE SKIP LOCKED" : "");
        return database.inTransaction(connection -> {
            Database.lockGate(connection, "job_claims");
            if (countRunning(connection) >= maxRunning) {
                return Optional.empty();
            }
            String candidate;
            try (var select = connection.prepareStatement(candidateSql);
                 var rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                candidate = rows.getString(1);
            }
            var now = Sql.now(clock);
            try (var update = connection.prepareStatement("UPDATE training_jobs SET status = 'running',"
                    + " started_at = COALESCE(started_at, ?), lease_owner = ?, lease_expires_at = ?,"
                    + " message = 'running', error_message = NULL"
                    + " WHERE id = ? AND status = 'pending' AND paused = FALSE")) {
                Sql.setInstant(update, 1, now);
                update.setString(2, owner);
                Sql.setInstant(update, 3, now.plus(lease));
                update.setString(4, candidate);
                if (update.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(queued(connection, candidate));
        });
    }

    /** Extends the owner's lease; false when the job is no longer running under this owner. */
    public boolean renewLease(String jobId, String owner, Duration lease) {
        requireOwner(owner);
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET lease_expires_at = ?"
                    + " WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                Sql.setInstant(update, 1, Sql.now(clock).plus(lease));
                update.setString(2, jobId);
                update.setString(3, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Running jobs whose lease ran out before {@code now}: their replica died or stalled. Oldest lease first. */
    public List<QueuedJob> findExpiredLeases(Instant now) {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM training_jobs"
                    + " WHERE status = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at, id")) {
                Sql.setInstant(select, 1, now);
                return readAll(select);
            }
        });
    }

    /**
     * Records the latest progress on the job row (progress, step, total steps, message).
     *
     * @return false when the job is not running (finished or requeued meanwhile), in which case nothing changed
     */
    public boolean updateProgress(TrainingProgress progress) {
        validate(progress);
        return database.withConnection(connection -> updateProgress(connection, progress));
    }

    /** Appends one point to the job's metric history. */
    public void appendMetric(TrainingProgress progress) {
        validate(progress);
        database.inTransaction(connection -> {
            requireExists(connection, progress.jobId());
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
        validate(progress);
        return database.inTransaction(connection -> {
            if (!updateProgress(connection, progress)) {
                requireExists(connection, progress.jobId());
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
                requireExists(connection, jobId);
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
        return database.withConnection(connection -> {
            try (var delete = connection.prepareStatement("DELETE FROM job_metrics WHERE job_id = ? AND step > ?")) {
                delete.setString(1, jobId);
                delete.setInt(2, step);
                return delete.executeUpdate();
            }
        });
    }

    /** Remembers the run's latest checkpoint; false when the job is no longer running under this owner. */
    public boolean saveCheckpoint(String jobId, String owner, String checkpointPath) {
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET checkpoint_path = ?"
                    + " WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                update.setString(1, checkpointPath);
                update.setString(2, jobId);
                update.setString(3, owner);
                return update.executeUpdate() == 1;
            }
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
        requireFinal(status);
        return database.inTransaction(connection -> {
            if (finish(connection, jobId, null, status, message, error)) {
                return queued(connection, jobId).job();
            }
            var current = queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is already " + current.job().status(),
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    /**
     * Ends a job run by {@code owner}; false (and nothing changed) when the job is no longer running under this
     * owner, e.g. its lease expired and the job went to another replica.
     */
    public boolean finish(String jobId, String owner, TaskStatus status, String message, String error) {
        requireOwner(owner);
        requireFinal(status);
        return database.inTransaction(connection -> finish(connection, jobId, owner, status, message, error));
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
            if (requeue(connection, jobId, null, reason)) {
                return queued(connection, jobId);
            }
            var current = queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is " + current.job().status() + ", not running",
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    /**
     * {@link #requeue(String, String)} only while {@code owner} still holds the job: recovery of an expired lease
     * passes the owner it found, so two replicas recovering the same job at once requeue it once.
     */
    public boolean requeue(String jobId, String owner, String reason) {
        requireOwner(owner);
        return database.inTransaction(connection -> requeue(connection, jobId, owner, reason));
    }

    /**
     * Gives a running job back to the queue without counting an attempt, while {@code owner} still holds it: for a
     * replica that stops cleanly (a deploy, a scale-down) after its worker checkpointed. Nothing failed, so the job
     * keeps all its retries.
     *
     * @return false (and nothing changed) when the job is no longer running under this owner
     */
    public boolean handBack(String jobId, String owner, String reason) {
        requireOwner(owner);
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE training_jobs SET status = 'pending',"
                    + " lease_owner = NULL, lease_expires_at = NULL, message = ?"
                    + " WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                update.setString(1, reason == null ? "requeued" : reason);
                update.setString(2, jobId);
                update.setString(3, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Recovers a job whose lease ran out (its replica died or stalled): back to the queue while it has retries left
     * (counting the attempt), otherwise failed with the reason. Nothing changes when the job is no longer running
     * with an expired lease, e.g. its owner renewed it meanwhile or another replica recovered it first; the job's
     * row is locked while deciding, so concurrent recoveries of one job act once.
     *
     * @param now        the time against which the lease is judged expired
     * @param maxRetries how many times a job may be requeued before it fails
     * @return the job as recovered (pending or failed), or empty when there was nothing to recover
     */
    public Optional<QueuedJob> recoverExpired(String jobId, Instant now, int maxRetries, String reason) {
        return database.inTransaction(connection -> {
            QueuedJob current;
            try (var lock = connection.prepareStatement("SELECT " + COLUMNS + " FROM training_jobs WHERE id = ?"
                    + " FOR UPDATE")) {
                lock.setString(1, jobId);
                var found = readAll(lock);
                if (found.isEmpty()) {
                    throw new NotFoundException("job", jobId);
                }
                current = found.getFirst();
            }
            if (current.job().status() != TaskStatus.RUNNING || current.leaseExpiresAt() == null
                    || !current.leaseExpiresAt().isBefore(now)) {
                return Optional.empty();
            }
            if (current.attempts() < maxRetries) {
                requeue(connection, jobId, current.leaseOwner(), reason);
            } else {
                finish(connection, jobId, current.leaseOwner(), TaskStatus.FAILED, reason,
                        reason + " (after " + current.attempts() + " retries)");
            }
            return Optional.of(queued(connection, jobId));
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
                    return queued(connection, jobId).job();
                }
            }
            var current = queued(connection, jobId);
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
                    return queued(connection, jobId).job();
                }
            }
            var current = queued(connection, jobId);
            throw new ConflictException("job " + jobId + " is not paused (it is " + current.job().status() + ")",
                    Map.of("job_id", jobId, "status", current.job().status().wireName()));
        });
    }

    private boolean finish(Connection connection, String jobId, String owner, TaskStatus status, String message,
                           String error) throws SQLException {
        var sql = "UPDATE training_jobs SET status = ?, completed_at = ?, message = COALESCE(?, message),"
                + " error_message = ?, lease_owner = NULL, lease_expires_at = NULL, paused = FALSE"
                + (status == TaskStatus.COMPLETED ? ", progress = 1" : "")
                + " WHERE id = ? AND "
                + (owner == null ? "status IN ('pending', 'running')" : "status = 'running' AND lease_owner = ?");
        try (var update = connection.prepareStatement(sql)) {
            update.setString(1, status.wireName());
            Sql.setInstant(update, 2, Sql.now(clock));
            update.setString(3, message);
            update.setString(4, error);
            update.setString(5, jobId);
            if (owner != null) {
                update.setString(6, owner);
            }
            return update.executeUpdate() == 1;
        }
    }

    private boolean requeue(Connection connection, String jobId, String owner, String reason) throws SQLException {
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

    private boolean updateProgress(Connection connection, TrainingProgress progress) throws SQLException {
        try (var update = connection.prepareStatement("UPDATE training_jobs SET progress = ?, current_step = ?,"
                + " total_steps = ?, message = COALESCE(?, message) WHERE id = ? AND status = 'running'")) {
            update.setDouble(1, progress.progress());
            update.setInt(2, progress.currentStep());
            update.setInt(3, progress.totalSteps());
            update.setString(4, progress.message());
            update.setString(5, progress.jobId());
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
            Sql.setInstant(insert, 7, progress.timestamp() == null ? Sql.now(clock) : progress.timestamp());
            insert.executeUpdate();
        }
    }

    private static long countRunning(Connection connection) throws SQLException {
        try (var count = connection.prepareStatement("SELECT COUNT(*) FROM training_jobs WHERE status = 'running'");
             var rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static QueuedJob queued(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM training_jobs WHERE id = ?")) {
            select.setString(1, jobId);
            var found = readAll(select);
            if (found.isEmpty()) {
                throw new NotFoundException("job", jobId);
            }
            return found.getFirst();
        }
    }

    private static void requireExists(Connection connection, String jobId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT 1 FROM training_jobs WHERE id = ?")) {
            select.setString(1, jobId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("job", jobId);
                }
            }
        }
    }

    private static List<QueuedJob> readAll(PreparedStatement select) throws SQLException {
        var jobs = new ArrayList<QueuedJob>();
        try (var rows = select.executeQuery()) {
            while (rows.next()) {
                jobs.add(queuedJob(rows));
            }
        }
        return jobs;
    }

    private static QueuedJob queuedJob(ResultSet rows) throws SQLException {
        var job = new TrainingJob(rows.getString("id"), ModelPhase.parse(rows.getString("phase")),
                Sql.read(rows.getString("config"), TrainingConfig.class),
                Sql.objectMap(rows.getString("parameters")), TaskStatus.parse(rows.getString("status")),
                Sql.instant(rows, "created_at"), Sql.instant(rows, "started_at"),
                Sql.instant(rows, "completed_at"), rows.getDouble("progress"), rows.getInt("current_step"),
                rows.getString("message"), rows.getString("error_message"));
        return new QueuedJob(job, rows.getInt("priority"), rows.getInt("total_steps"), rows.getInt("attempts"),
                rows.getString("lease_owner"), Sql.instant(rows, "lease_expires_at"),
                rows.getString("checkpoint_path"), rows.getBoolean("paused"), rows.getString("traceparent"));
    }

    private static void validate(TrainingProgress progress) {
        if (progress.jobId() == null) {
            throw new InvalidRequestException("job_id", "a job id", null);
        }
        if (!(progress.progress() >= 0 && progress.progress() <= 1)) {
            throw new InvalidRequestException("progress", "a number from 0 to 1", progress.progress());
        }
    }

    private static void requireFinal(TaskStatus status) {
        if (status == null || !status.isFinal()) {
            throw new IllegalArgumentException("A job finishes as completed, failed or cancelled, not " + status);
        }
    }

    private static void requireOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("A lease owner is required");
        }
    }
}
