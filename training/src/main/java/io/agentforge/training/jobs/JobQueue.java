package io.agentforge.training.jobs;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The persistent job queue that several Training service replicas share.
 *
 * <p>A replica takes work with {@link #claimNext}, which marks the job running under a lease in the replica's name;
 * the replica renews the lease while the job runs. Writes a replica makes on behalf of a run ({@link #finishIfOwner},
 * {@link #requeueIfOwner}, {@link #renewLease}, {@link #saveCheckpoint}, {@link #handBack}) name the owner and do
 * nothing when the lease has passed to someone else, so a replica that stalled past its lease cannot overwrite the
 * job's next run. A crashed replica's jobs show up in {@link #findExpiredLeases}, and {@link #recoverExpired}
 * requeues or fails each of them.
 */
public final class JobQueue {
    private final Database database;
    private final Clock clock;

    public JobQueue(Database database) {
        this(database, Clock.systemUTC());
    }

    /** @param clock the time used for the stamps it writes; tests pass one they move by hand */
    public JobQueue(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
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
        JobRows.requireOwner(owner);
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
            return Optional.of(JobRows.queued(connection, candidate));
        });
    }

    /** Extends the owner's lease; false when the job is no longer running under this owner. */
    public boolean renewLease(String jobId, String owner, Duration lease) {
        JobRows.requireOwner(owner);
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
            try (var select = connection.prepareStatement("SELECT " + JobRows.COLUMNS + " FROM training_jobs"
                    + " WHERE status = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at, id")) {
                Sql.setInstant(select, 1, now);
                return JobRows.readAll(select);
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
     * Ends a job run by {@code owner}; false (and nothing changed) when the job is no longer running under this
     * owner, e.g. its lease expired and the job went to another replica.
     */
    public boolean finishIfOwner(String jobId, String owner, TaskStatus status, String message, String error) {
        JobRows.requireOwner(owner);
        JobRows.requireFinal(status);
        return database.inTransaction(connection ->
                JobRows.finish(connection, Sql.now(clock), jobId, owner, status, message, error));
    }

    /**
     * {@link JobStore#requeue(String, String)} only while {@code owner} still holds the job: recovery of an expired
     * lease passes the owner it found, so two replicas recovering the same job at once requeue it once.
     */
    public boolean requeueIfOwner(String jobId, String owner, String reason) {
        JobRows.requireOwner(owner);
        return database.inTransaction(connection -> JobRows.requeue(connection, jobId, owner, reason));
    }

    /**
     * Gives a running job back to the queue without counting an attempt, while {@code owner} still holds it: for a
     * replica that stops cleanly (a deploy, a scale-down) after its worker checkpointed. Nothing failed, so the job
     * keeps all its retries.
     *
     * @return false (and nothing changed) when the job is no longer running under this owner
     */
    public boolean handBack(String jobId, String owner, String reason) {
        JobRows.requireOwner(owner);
        return database.withConnection(connection -> JobRows.handBack(connection, jobId, owner, reason));
    }

    /**
     * Recovers a job whose lease ran out (its replica died or stalled): back to the queue, to continue from its
     * checkpoint, <b>without spending an attempt</b>: the service's death is not the job's fault (the job's own
     * faults kill its worker, a separate process, which the living service sees and counts). Nothing changes when the
     * job is no longer running with an expired lease, e.g. its owner renewed it meanwhile or another replica recovered
     * it first; the job's row is locked while deciding, so concurrent recoveries of one job act once. This is the only
     * way a replica takes back another's job.
     *
     * @param now the time against which the lease is judged expired
     * @return the job as recovered (pending), or empty when there was nothing to recover
     */
    public Optional<QueuedJob> recoverExpired(String jobId, Instant now, String reason) {
        return database.inTransaction(connection -> {
            QueuedJob current;
            try (var lock = connection.prepareStatement("SELECT " + JobRows.COLUMNS + " FROM training_jobs WHERE id = ?"
                    + " FOR UPDATE")) {
                lock.setString(1, jobId);
                var found = JobRows.readAll(lock);
                if (found.isEmpty()) {
                    throw new NotFoundException("job", jobId);
                }
                current = found.getFirst();
            }
            if (current.job().status() != TaskStatus.RUNNING || current.leaseExpiresAt() == null
                    || !current.leaseExpiresAt().isBefore(now)) {
                return Optional.empty();
            }
            JobRows.handBack(connection, jobId, current.leaseOwner(), reason);
            return Optional.of(JobRows.queued(connection, jobId));
        });
    }

    private static long countRunning(Connection connection) throws SQLException {
        try (var count = connection.prepareStatement("SELECT COUNT(*) FROM training_jobs WHERE status = 'running'");
             var rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
