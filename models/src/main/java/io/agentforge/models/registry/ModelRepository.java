package io.agentforge.models.registry;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelSummary;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model metadata: versions per name, tags, metrics, parameters, lineage (training job, parent models) and one winner
 * per phase; the handoffs between phases are {@link ModelHandoffs}. Artifacts themselves live on disk, owned by the Model service.
 *
 * <p>Versions and winners are decided under the {@code model_registry} row lock of {@code persistence_locks}, so
 * concurrent uploads of one name get consecutive versions and concurrent winner marks leave exactly one winner.
 * The schema backs the latter on its own: {@code winner_phase} is unique.
 */
public final class ModelRepository {
    /** A models row ({@code models m}) with its tags in order, so that a page of models is one query. */
    private static final String COLUMNS = "m.id, m.name, m.phase, m.version, m.file_path, m.file_size, m.checksum,"
            + " m.created_at, m.training_job_id, m.parameters, m.metrics, m.winner_phase,"
            + " (SELECT ARRAY_AGG(t.tag ORDER BY t.position) FROM model_tags t WHERE t.model_id = m.id) AS tags";

    private final Database database;
    private final Clock clock;

    public ModelRepository(Database database) {
        this(database, Clock.systemUTC());
    }

    public ModelRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Records a stored artifact with the next version of its name, its tags and its parents, in one transaction.
     *
     * @param modelId  the id the artifact is stored under (the service chooses it before writing the file)
     * @param filePath where the artifact is
     * @param fileSize its size in bytes
     * @param checksum its sha256, lower-case hex
     * @throws NotFoundException       when a parent model does not exist (nothing is written)
     * @throws InvalidRequestException when the name, phase, a tag or the checksum is missing or malformed
     */
    public ModelMetadata insert(String modelId, NewModel model, String filePath, long fileSize, String checksum) {
        validate(modelId, model, filePath, fileSize, checksum);
        var tags = List.copyOf(new LinkedHashSet<>(model.tags()));
        var parents = List.copyOf(new LinkedHashSet<>(model.parentModelIds()));
        var now = Sql.now(clock);
        return database.inTransaction(connection -> {
            Database.lockGate(connection, "model_registry");
            int version;
            try (var max = connection.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?")) {
                max.setString(1, model.name());
                try (var rows = max.executeQuery()) {
                    rows.next();
                    version = rows.getInt(1) + 1;
                }
            }
            try (var insert = connection.prepareStatement("INSERT INTO models (id, name, phase, version, file_path,"
                    + " file_size, checksum, created_at, training_job_id, parameters, metrics, parameter_count)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, modelId);
                insert.setString(2, model.name());
                insert.setString(3, model.phase().wireName());
                insert.setInt(4, version);
                insert.setString(5, filePath);
                insert.setLong(6, fileSize);
                insert.setString(7, checksum);
                Sql.setInstant(insert, 8, now);
                insert.setString(9, model.trainingJobId());
                insert.setString(10, Sql.json(model.parameters()));
                insert.setString(11, Sql.json(model.metrics()));
                insert.setObject(12, parameterCount(model.parameters()), Types.BIGINT);
                insert.executeUpdate();
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO model_tags (model_id, tag, position) VALUES (?, ?, ?)")) {
                for (int i = 0; i < tags.size(); i++) {
                    insert.setString(1, modelId);
                    insert.setString(2, tags.get(i));
                    insert.setInt(3, i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            for (var parent : parents) {
                lockExisting(connection, parent);
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO model_parents (model_id, parent_id, position) VALUES (?, ?, ?)")) {
                for (int i = 0; i < parents.size(); i++) {
                    insert.setString(1, modelId);
                    insert.setString(2, parents.get(i));
                    insert.setInt(3, i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // Last, so that the count's row lock is never held while waiting for another row: a parent's delete
            // holds that parent and then takes the count, and the parent link above needs the parent.
            ModelCounts.add(connection, model.phase(), 1);
            return find(connection, modelId);
        });
    }

    /** @throws NotFoundException for an unknown id */
    public ModelMetadata find(String modelId) {
        return database.withConnection(connection -> find(connection, modelId));
    }

    /**
     * Models matching the query, newest first, with the total that matched. Filtered by phase alone, or not at all, the
     * total is read from {@code model_counts}; any other filter counts the rows it matches.
     */
    public Page<ModelMetadata> list(ModelQuery query) {
        var filter = Filter.of(query);
        var from = "models m" + filter.where;
        boolean kept = query.name() == null && query.tag() == null && query.winner() == null;
        return database.withConnection(connection -> {
            long total = kept ? ModelCounts.total(connection, query.phase()) : Sql.count(connection, from, filter.arguments);
            return Sql.page(connection, COLUMNS, from, filter.arguments, "created_at DESC, id DESC", query.page(),
                    ModelRepository::readAll, total);
        });
    }

    /** Totals over every model the query's filters match (its page is ignored). */
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    public ModelSummary summary(ModelQuery query) {
        var filter = Filter.of(query);
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(parameter_count), 0) FROM models m" + filter.where)) {
                Sql.bind(select, filter.arguments);
                try (var rows = select.executeQuery()) {
                    rows.next();
                    // SUM of BIGINT is a NUMERIC that may exceed a long (rows stored before counts were bounded):
                    // the total saturates rather than failing the summary.
                    var total = rows.getBigDecimal(2);
                    return new ModelSummary(rows.getLong(1), total.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE
                            : total.longValue());
                }
            }
        });
    }

    /** How many models each phase has; every phase is present, 0 when it has none. Eight rows of {@code model_counts}. */
    public Map<ModelPhase, Long> countByPhase() {
        return database.withConnection(ModelCounts::read);
    }

    /**
     * Deletes the model's metadata with its tags, handoffs and lineage links (its children lose it as a parent).
     *
     * @return the metadata as it was, so that the caller can remove the artifact it points to
     * @throws NotFoundException for an unknown id
     */
    public ModelMetadata delete(String modelId) {
        return database.inTransaction(connection -> {
            var model = find(connection, modelId);
            try (var delete = connection.prepareStatement("DELETE FROM models WHERE id = ?")) {
                delete.setString(1, modelId);
                if (delete.executeUpdate() > 0) {
                    ModelCounts.add(connection, model.phase(), -1);
                }
            }
            return model;
        });
    }

    /**
     * Makes the model its phase's winner and unmarks the previous winner, in one transaction.
     *
     * @throws NotFoundException for an unknown id
     */
    public ModelMetadata markWinner(String modelId) {
        return database.inTransaction(connection -> {
            Database.lockGate(connection, "model_registry");
            var model = find(connection, modelId);
            try (var unmark = connection.prepareStatement(
                    "UPDATE models SET winner_phase = NULL WHERE winner_phase = ? AND id <> ?")) {
                unmark.setString(1, model.phase().wireName());
                unmark.setString(2, modelId);
                unmark.executeUpdate();
            }
            try (var mark = connection.prepareStatement("UPDATE models SET winner_phase = phase WHERE id = ?")) {
                mark.setString(1, modelId);
                mark.executeUpdate();
            }
            return find(connection, modelId);
        });
    }

    /** The phase's winner, if one was marked. */
    public Optional<ModelMetadata> winner(ModelPhase phase) {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM models m WHERE m.winner_phase = ?")) {
                select.setString(1, phase.wireName());
                return readAll(select).stream().findFirst();
            }
        });
    }

    /** Every phase's winner, in pipeline order; phases without a winner are absent. */
    public List<ModelMetadata> winners() {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM models m WHERE m.winner_phase IS NOT NULL")) {
                var winners = new ArrayList<>(readAll(select));
                winners.sort((a, b) -> a.phase().compareTo(b.phase()));
                return winners;
            }
        });
    }

    /** The models this one was derived from, in the order they were given. */
    public List<String> parents(String modelId) {
        return lineage(modelId, "SELECT parent_id FROM model_parents WHERE model_id = ? ORDER BY position");
    }

    /** The models derived from this one. */
    public List<String> children(String modelId) {
        return lineage(modelId, "SELECT model_id FROM model_parents WHERE parent_id = ? ORDER BY model_id");
    }

    private List<String> lineage(String modelId, String sql) {
        return database.withConnection(connection -> {
            requireExists(connection, modelId);
            var ids = new ArrayList<String>();
            try (var select = connection.prepareStatement(sql)) {
                select.setString(1, modelId);
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /** The WHERE clause of a listing and its arguments; the summary counts over the same filter. */
    private record Filter(String where, List<Object> arguments) {
        static Filter of(ModelQuery query) {
            var where = new StringBuilder(" WHERE 1 = 1");
            var arguments = new ArrayList<Object>();
            if (query.phase() != null) {
                where.append(" AND m.phase = ?");
                arguments.add(query.phase().wireName());
            }
            if (query.name() != null) {
                where.append(" AND m.name = ?");
                arguments.add(query.name());
            }
            if (query.tag() != null) {
                where.append(" AND EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.tag = ?)");
                arguments.add(query.tag());
            }
            if (query.winner() != null) {
                where.append(query.winner() ? " AND m.winner_phase IS NOT NULL" : " AND m.winner_phase IS NULL");
            }
            return new Filter(where.toString(), arguments);
        }
    }

    private static ModelMetadata find(Connection connection, String modelId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM models m WHERE m.id = ?")) {
            select.setString(1, modelId);
            var found = readAll(select);
            if (found.isEmpty()) {
                throw new NotFoundException("model", modelId);
            }
            return found.getFirst();
        }
    }

    /**
     * Requires the model and holds its row until the transaction ends, so that a row about to reference it (a child's
     * parent link, a handoff) cannot lose it to a concurrent delete between this check and the insert: that delete
     * waits, or went first and this answers 404, instead of the insert failing on the foreign key.
     */
    static void lockExisting(Connection connection, String modelId) throws SQLException {
        require(connection, modelId, "SELECT 1 FROM models WHERE id = ? FOR UPDATE");
    }

    private static void requireExists(Connection connection, String modelId) throws SQLException {
        require(connection, modelId, "SELECT 1 FROM models WHERE id = ?");
    }

    /** Runs the one-row query for the model; 404 when it finds nothing. */
    private static void require(Connection connection, String modelId, String sql) throws SQLException {
        try (var select = connection.prepareStatement(sql)) {
            select.setString(1, modelId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("model", modelId);
                }
            }
        }
    }

    /** Reads the selected models, tags included. */
    private static List<ModelMetadata> readAll(PreparedStatement select) throws SQLException {
        var models = new ArrayList<ModelMetadata>();
        try (var result = select.executeQuery()) {
            while (result.next()) {
                models.add(metadata(result));
            }
        }
        return models;
    }

    private static ModelMetadata metadata(ResultSet rows) throws SQLException {
        return new ModelMetadata(rows.getString("id"), rows.getString("name"), ModelPhase.parse(rows.getString("phase")),
                rows.getInt("version"), rows.getString("file_path"), rows.getLong("file_size"),
                rows.getString("checksum"), Sql.instant(rows, "created_at"), rows.getString("training_job_id"),
                Sql.objectMap(rows.getString("parameters")), Sql.numberMap(rows.getString("metrics")),
                rows.getString("winner_phase") != null, tags(rows.getArray("tags")));
    }

    /** The aggregated tags: NULL when the model has none; H2 hands back Object[], PostgreSQL String[]. */
    private static List<String> tags(Array tags) throws SQLException {
        if (tags == null) {
            return List.of();
        }
        try {
            return Arrays.stream((Object[]) tags.getArray()).map(String.class::cast).toList();
        } finally {
            tags.free();
        }
    }

    private static Long parameterCount(Map<String, Object> parameters) {
        return parameters.get("parameter_count") instanceof Number count ? count.longValue() : null;
    }

    private static void validate(String modelId, NewModel model, String filePath, long fileSize, String checksum) {
        if (modelId == null || modelId.isBlank()) {
            throw new InvalidRequestException("model_id", "a model id", modelId);
        }
        if (model.name() == null || model.name().isBlank() || model.name().length() > 255) {
            throw new InvalidRequestException("name", "a model name of 1 to 255 characters", model.name());
        }
        if (model.phase() == null) {
            throw new InvalidRequestException("phase", "one of " + ModelPhase.wireNames(), null);
        }
        if (filePath == null || filePath.isBlank()) {
            throw new InvalidRequestException("file_path", "the artifact's path", filePath);
        }
        if (fileSize < 0) {
            throw new InvalidRequestException("file_size", "a size in bytes >= 0", fileSize);
        }
        if (checksum == null || !checksum.matches("[0-9a-f]{64}")) {
            throw new InvalidRequestException("checksum", "a sha256 in lower-case hex (64 characters)", checksum);
        }
        for (var tag : model.tags()) {
            if (tag == null || tag.isBlank() || tag.length() > 255) {
                throw new InvalidRequestException("tags", "tags of 1 to 255 characters", tag);
            }
        }
        if (model.parentModelIds().contains(modelId)) {
            throw new InvalidRequestException("parent_model_ids", "ids of other models", modelId);
        }
    }
}
