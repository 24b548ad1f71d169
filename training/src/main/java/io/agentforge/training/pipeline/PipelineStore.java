package io.agentforge.training.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code pipeline_runs} and {@code pipeline_steps} tables. Writes a driver makes on behalf of a run name the
 * driver and do nothing once its lease has passed to another replica, as the job queue's do; an operator's stop and
 * reset name no driver.
 */
final class PipelineStore {
    private static final String RUN_COLUMNS = "id, status, parameters, phase_overrides, current_phase, message,"
            + " created_at, finished_at, lease_owner, lease_expires_at, traceparent";
    private static final String STEP_COLUMNS = "phase, status, job_id, winner_model_id, message, started_at,"
            + " finished_at";
    private static final String OWNED = " AND EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.id = ? AND"
            + " r.status = 'running' AND r.lease_owner = ?)";

    private final Database database;
    private final Clock clock;

    PipelineStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    Instant now() {
        return Sql.now(clock);
    }

    /**
     * Inserts a running run at its first phase, unless one is running: checking and inserting happen under the
     * {@code pipeline_runs} gate, so two replicas asked at once start one run.
     */
    PipelineRun insert(Map<String, Object> parameters, Map<String, Map<String, Object>> overrides,
                       String traceparent) {
        var id = UUID.randomUUID().toString();
        return database.inTransaction(connection -> {
            Database.lockGate(connection, "pipeline_runs");
            try (var select = connection.prepareStatement("SELECT id, current_phase FROM pipeline_runs"
                    + " WHERE status = 'running'"); var rows = select.executeQuery()) {
                if (rows.next()) {
                    throw new ConflictException("the pipeline is already running (run " + rows.getString(1) + " at "
                            + rows.getString(2) + "); stop or reset it first",
                            Map.of("run_id", rows.getString(1), "current_phase", rows.getString(2)));
                }
            }
            try (var insert = connection.prepareStatement("INSERT INTO pipeline_runs (id, status, parameters,"
                    + " phase_overrides, current_phase, message, created_at, traceparent)"
                    + " VALUES (?, 'running', ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, Sql.json(parameters));
                insert.setString(3, Sql.json(overrides));
                insert.setString(4, ModelPhase.COGNATE.wireName());
                insert.setString(5, "queued");
                Sql.setInstant(insert, 6, now());
                insert.setString(7, traceparent);
                insert.executeUpdate();
            }
            return readRun(connection, "id = ?", id).orElseThrow();
        });
    }

    /** The newest run not cleared by a reset. */
    Optional<PipelineRun> latest() {
        return database.withConnection(connection -> readRun(connection, "cleared = FALSE", null));
    }

    /** The running run, if any (at most one is). */
    Optional<PipelineRun> running() {
        return database.withConnection(connection -> readRun(connection, "status = 'running'", null));
    }

    /**
     * Takes or renews the lease of a running run for {@code owner}: granted when nobody holds it, {@code owner}
     * does, or the holder's lease ran out (its replica died or stalled).
     */
    boolean lease(String runId, String owner, Duration lease) {
        return database.withConnection(connection -> {
            var now = now();
            try (var update = connection.prepareStatement("UPDATE pipeline_runs SET lease_owner = ?,"
                    + " lease_expires_at = ? WHERE id = ? AND status = 'running' AND (lease_owner IS NULL"
                    + " OR lease_owner = ? OR lease_expires_at < ?)")) {
                update.setString(1, owner);
                Sql.setInstant(update, 2, now.plus(lease));
                update.setString(3, runId);
                update.setString(4, owner);
                Sql.setInstant(update, 5, now);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Gives up the lease (a clean stop), so that another replica continues at once rather than after it expires. */
    void releaseLease(String runId, String owner) {
        database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_runs SET lease_owner = NULL,"
                    + " lease_expires_at = NULL WHERE id = ? AND lease_owner = ?")) {
                update.setString(1, runId);
                update.setString(2, owner);
                return update.executeUpdate();
            }
        });
    }

    List<PipelineStep> steps(String runId) {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT " + STEP_COLUMNS + " FROM pipeline_steps"
                    + " WHERE run_id = ? ORDER BY position")) {
                select.setString(1, runId);
                try (var rows = select.executeQuery()) {
                    var steps = new ArrayList<PipelineStep>();
                    while (rows.next()) {
                        steps.add(new PipelineStep(ModelPhase.parse(rows.getString("phase")), rows.getString("status"),
                                rows.getString("job_id"), rows.getString("winner_model_id"),
                                rows.getString("message"), Sql.instant(rows, "started_at"),
                                Sql.instant(rows, "finished_at")));
                    }
                    return steps;
                }
            }
        });
    }

    /** Records that the driver is about to queue the phase's job; false when it no longer drives the run. */
    boolean beginStep(String runId, ModelPhase phase, String owner) {
        return database.inTransaction(connection -> {
            if (!owns(connection, runId, owner)) {
                return false;
            }
            try (var insert = connection.prepareStatement("INSERT INTO pipeline_steps (run_id, phase, position,"
                    + " status, message, started_at) VALUES (?, ?, ?, 'starting', 'queueing its job', ?)")) {
                insert.setString(1, runId);
                insert.setString(2, phase.wireName());
                insert.setInt(3, phase.ordinal());
                Sql.setInstant(insert, 4, now());
                insert.executeUpdate();
            }
            return true;
        });
    }

    /** The phase's job was queued (or found after a crash between queueing and recording). */
    boolean recordJob(String runId, ModelPhase phase, String jobId, String owner) {
        return updateStep(runId, phase, owner, "status = 'running', job_id = ?, message = ?",
                jobId, "running as job " + jobId);
    }

    /** The phase ended: its job's final status (or {@code refused}), the winner it handed on, the reason. */
    boolean endStep(String runId, ModelPhase phase, String status, String winnerModelId, String message,
                    String owner) {
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_steps SET status = ?,"
                    + " winner_model_id = ?, message = ?, finished_at = ? WHERE run_id = ? AND phase = ?" + OWNED)) {
                update.setString(1, status);
                update.setString(2, winnerModelId);
                update.setString(3, message);
                Sql.setInstant(update, 4, now());
                update.setString(5, runId);
                update.setString(6, phase.wireName());
                update.setString(7, runId);
                update.setString(8, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Moves the run on to its next phase. */
    boolean advance(String runId, ModelPhase next, String message, String owner) {
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_runs SET current_phase = ?, message = ?"
                    + " WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                update.setString(1, next.wireName());
                update.setString(2, message);
                update.setString(3, runId);
                update.setString(4, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Ends a running run.
     *
     * @param owner the driver ending it, or null for an operator's stop
     * @return false when it was no longer running (or no longer this driver's)
     */
    boolean finish(String runId, String status, String message, String owner) {
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_runs SET status = ?, message = ?,"
                    + " finished_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?"
                    + " AND status = 'running'" + (owner == null ? "" : " AND lease_owner = ?"))) {
                update.setString(1, status);
                update.setString(2, message);
                Sql.setInstant(update, 3, now());
                update.setString(4, runId);
                if (owner != null) {
                    update.setString(5, owner);
                }
                return update.executeUpdate() == 1;
            }
        });
    }

    /** A stopped run's current step ends with it (its job was cancelled). */
    void endOpenSteps(String runId, String status, String message) {
        database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_steps SET status = ?, message = ?,"
                    + " finished_at = ? WHERE run_id = ? AND status IN ('starting', 'running')")) {
                update.setString(1, status);
                update.setString(2, message);
                Sql.setInstant(update, 3, now());
                update.setString(4, runId);
                return update.executeUpdate();
            }
        });
    }

    /** A reset: every run is cleared from view (kept as history). */
    void clear() {
        database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_runs SET cleared = TRUE"
                    + " WHERE cleared = FALSE")) {
                return update.executeUpdate();
            }
        });
    }

    private boolean updateStep(String runId, ModelPhase phase, String owner, String set, String first,
                               String second) {
        return database.withConnection(connection -> {
            try (var update = connection.prepareStatement("UPDATE pipeline_steps SET " + set
                    + " WHERE run_id = ? AND phase = ?" + OWNED)) {
                update.setString(1, first);
                update.setString(2, second);
                update.setString(3, runId);
                update.setString(4, phase.wireName());
                update.setString(5, runId);
                update.setString(6, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static boolean owns(Connection connection, String runId, String owner) throws SQLException {
        try (var select = connection.prepareStatement("SELECT 1 FROM pipeline_runs WHERE id = ?"
                + " AND status = 'running' AND lease_owner = ?")) {
            select.setString(1, runId);
            select.setString(2, owner);
            try (var rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Optional<PipelineRun> readRun(Connection connection, String where, String argument)
            throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM pipeline_runs WHERE " + where
                + " ORDER BY created_at DESC, id DESC LIMIT 1")) {
            if (argument != null) {
                select.setString(1, argument);
            }
            try (var rows = select.executeQuery()) {
                return rows.next() ? Optional.of(run(rows)) : Optional.empty();
            }
        }
    }

    private static PipelineRun run(ResultSet rows) throws SQLException {
        return new PipelineRun(rows.getString("id"), rows.getString("status"),
                Sql.objectMap(rows.getString("parameters")), overrides(rows.getString("phase_overrides")),
                ModelPhase.parse(rows.getString("current_phase")), rows.getString("message"),
                Sql.instant(rows, "created_at"), Sql.instant(rows, "finished_at"), rows.getString("lease_owner"),
                Sql.instant(rows, "lease_expires_at"), rows.getString("traceparent"));
    }

    private static Map<String, Map<String, Object>> overrides(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, Map<String, Object>>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
