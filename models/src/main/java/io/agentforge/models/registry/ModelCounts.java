package io.agentforge.models.registry;

import io.agentforge.contracts.phases.ModelPhase;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code model_counts} table: how many models each phase has, kept by the same transactions that insert and delete
 * models (in {@link ModelRepository}), so that a listing's total is one row read instead of a count over the models.
 */
final class ModelCounts {
    private ModelCounts() {
    }

    /** The phase's kept count, or all phases' when it is null. */
    static long total(Connection connection, ModelPhase phase) throws SQLException {
        var counts = read(connection);
        return phase == null ? counts.values().stream().mapToLong(Long::longValue).sum() : counts.get(phase);
    }

    /** Every phase, 0 when it has no models. */
    static Map<ModelPhase, Long> read(Connection connection) throws SQLException {
        var counts = new EnumMap<ModelPhase, Long>(ModelPhase.class);
        for (var phase : ModelPhase.values()) {
            counts.put(phase, 0L);
        }
        try (var select = connection.prepareStatement("SELECT phase, models FROM model_counts");
             var rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(ModelPhase.parse(rows.getString(1)), rows.getLong(2));
            }
        }
        return counts;
    }

    /**
     * Adds {@code change} to the phase's count, in the caller's transaction. The row lock taken by the UPDATE orders
     * concurrent changes; a phase's first model creates its row under the registry gate that every insert holds.
     */
    static void add(Connection connection, ModelPhase phase, int change) throws SQLException {
        try (var update = connection.prepareStatement("UPDATE model_counts SET models = models + ? WHERE phase = ?")) {
            update.setInt(1, change);
            update.setString(2, phase.wireName());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (var insert = connection.prepareStatement("INSERT INTO model_counts (phase, models) VALUES (?, ?)")) {
            insert.setString(1, phase.wireName());
            insert.setInt(2, change);
            insert.executeUpdate();
        }
    }
}
