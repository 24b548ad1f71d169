package io.agentforge.bench.models;

import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.persistence.Database;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Model rows written straight into the Model service's tables in batches, so that the listing benchmark can start
 * from 100,000 models in seconds instead of uploading each one.
 */
final class SeededModels {
    private SeededModels() {
    }

    /** {@code models} rows spread over the eight phases, one tag each, with the counts and statistics fresh. */
    static void seed(Database database, int models) {
        var phases = ModelPhase.values();
        var base = Instant.parse("2026-01-01T00:00:00Z");
        int batch = 1000;
        for (int from = 0; from < models; from += batch) {
            int start = from;
            int end = Math.min(models, from + batch);
            database.inTransaction(connection -> {
                try (var model = connection.prepareStatement("INSERT INTO models (id, name, phase, version, file_path,"
                        + " file_size, checksum, created_at, training_job_id, parameters, metrics, parameter_count)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                     var tag = connection.prepareStatement(
                             "INSERT INTO model_tags (model_id, tag, position) VALUES (?, ?, 0)")) {
                    for (int i = start; i < end; i++) {
                        var id = UUID.randomUUID().toString();
                        var phase = phases[i % phases.length];
                        model.setString(1, id);
                        model.setString(2, "bench-" + phase.wireName() + "-" + (i / phases.length) % 1000);
                        model.setString(3, phase.wireName());
                        model.setInt(4, i / phases.length / 1000 + 1);
                        model.setString(5, phase.wireName() + "/" + id + "/model.zip");
                        model.setLong(6, 13_000_000);
                        model.setString(7, "0".repeat(64));
                        model.setTimestamp(8, Timestamp.from(base.plusSeconds(i)));
                        model.setString(9, null);
                        model.setString(10, "{\"parameter_count\":3300000}");
                        model.setString(11, "{\"eval_loss\":2.5}");
                        model.setLong(12, 3_300_000);
                        model.addBatch();
                        tag.setString(1, id);
                        tag.setString(2, "t" + i % 50);
                        tag.addBatch();
                    }
                    model.executeBatch();
                    tag.executeBatch();
                }
                return null;
            });
        }
        database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                // The rows went in by batch, past ModelRepository.insert, so the per-phase counts it keeps are set
                // here, as that method would have left them.
                statement.executeUpdate("DELETE FROM model_counts");
                statement.executeUpdate("INSERT INTO model_counts (phase, models)"
                        + " SELECT phase, COUNT(*) FROM models GROUP BY phase");
            }
            return null;
        });
        database.withConnection(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("ANALYZE");
            }
            return null;
        });
    }
}
