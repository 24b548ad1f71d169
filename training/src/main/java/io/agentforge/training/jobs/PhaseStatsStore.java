package io.agentforge.training.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.platform.persistence.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code phase_stats.json} of completed jobs (table {@code job_stats}), so that every instance answers a job's
 * {@code stats} the same, whichever instance ran it and wherever its job directory is.
 */
final class PhaseStatsStore {
    private final Database database;

    PhaseStatsStore(Database database) {
        this.database = database;
    }

    /** Stores (or replaces, when a completion is handled again) the job's stats. */
    void save(String jobId, Map<String, Object> stats) {
        var json = Json.write(stats);
        database.inTransaction(connection -> {
            try (var delete = connection.prepareStatement("DELETE FROM job_stats WHERE job_id = ?")) {
                delete.setString(1, jobId);
                delete.executeUpdate();
            }
            try (var insert = connection.prepareStatement("INSERT INTO job_stats (job_id, stats) VALUES (?, ?)")) {
                insert.setString(1, jobId);
                insert.setString(2, json);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** The job's stats, or null when it has none (not completed, or completed before stats existed). */
    Map<String, Object> find(String jobId) {
        var json = database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT stats FROM job_stats WHERE job_id = ?")) {
                select.setString(1, jobId);
                try (var rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
        return parse(json);
    }

    /** Stats as stored (a JSON object), or null for none; a sub-job's result is stored the same way. */
    static Map<String, Object> parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
