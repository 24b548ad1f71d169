package io.agentforge.models.registry;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The handoffs of models from one phase to the next ({@code model_handoffs}): recorded {@code pending}, then moved on
 * by the phase that takes the model. A handoff goes with its model when the model is deleted.
 */
public final class ModelHandoffs {
    private final Database database;
    private final Clock clock;

    public ModelHandoffs(Database database) {
        this(database, Clock.systemUTC());
    }

    public ModelHandoffs(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Records that a model passes from one phase to the next, as {@code pending} until the next phase takes it.
     *
     * @throws NotFoundException for an unknown model id
     */
    public ModelHandoff insertHandoff(String modelId, ModelPhase from, ModelPhase to) {
        if (from == null || to == null) {
            throw new InvalidRequestException(from == null ? "from_phase" : "to_phase",
                    "one of " + ModelPhase.wireNames(), null);
        }
        var handoff = new ModelHandoff(UUID.randomUUID().toString(), from, to, modelId, Sql.now(clock),
                "pending");
        return database.inTransaction(connection -> {
            ModelRepository.lockExisting(connection, modelId);
            try (var insert = connection.prepareStatement("INSERT INTO model_handoffs (id, from_phase, to_phase,"
                    + " model_id, created_at, status) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, handoff.handoffId());
                insert.setString(2, from.wireName());
                insert.setString(3, to.wireName());
                insert.setString(4, modelId);
                Sql.setInstant(insert, 5, handoff.createdAt());
                insert.setString(6, handoff.status());
                insert.executeUpdate();
            }
            return handoff;
        });
    }

    /** Sets a handoff's status (and the reason of a rejection), e.g. {@code accepted} once the next phase took it. */
    public ModelHandoff updateHandoffStatus(String handoffId, String status, String reason) {
        if (status == null || !ModelHandoff.STATUSES.contains(status)) {
            throw new InvalidRequestException("status", "one of " + ModelHandoff.STATUSES, status);
        }
        return database.inTransaction(connection -> {
            try (var update = connection.prepareStatement("UPDATE model_handoffs SET status = ?, reason = ? WHERE id = ?")) {
                update.setString(1, status);
                update.setString(2, reason);
                update.setString(3, handoffId);
                if (update.executeUpdate() == 0) {
                    throw new NotFoundException("handoff", handoffId);
                }
            }
            return handoffs(connection, " WHERE id = ?", List.of(handoffId)).getFirst();
        });
    }

    /** Handoffs newest first; a null phase does not filter. */
    public List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to) {
        var where = new StringBuilder(" WHERE 1 = 1");
        var arguments = new ArrayList<Object>();
        if (from != null) {
            where.append(" AND from_phase = ?");
            arguments.add(from.wireName());
        }
        if (to != null) {
            where.append(" AND to_phase = ?");
            arguments.add(to.wireName());
        }
        return database.withConnection(connection -> handoffs(connection, where.toString(), arguments));
    }

    private static List<ModelHandoff> handoffs(Connection connection, String where, List<?> arguments)
            throws SQLException {
        try (var select = connection.prepareStatement("SELECT id, from_phase, to_phase, model_id, created_at, status,"
                + " reason FROM model_handoffs" + where + " ORDER BY created_at DESC, id DESC")) {
            Sql.bind(select, arguments);
            var handoffs = new ArrayList<ModelHandoff>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    handoffs.add(new ModelHandoff(rows.getString("id"), ModelPhase.parse(rows.getString("from_phase")),
                            ModelPhase.parse(rows.getString("to_phase")), rows.getString("model_id"),
                            Sql.instant(rows, "created_at"), rows.getString("status"), rows.getString("reason")));
                }
            }
            return handoffs;
        }
    }
}
