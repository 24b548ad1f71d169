package io.agentforge.models.registry;

import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.ModelServer;
import io.agentforge.platform.testing.LegacyDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written before each service owned its tables (one Flyway history for everything) opens with today's
 * Model schema with every model, tag, link, handoff, winner and count kept, and the registry's gate still works:
 * on H2 and on PostgreSQL.
 */
class ModelTablesUpgradeTest {
    private static final OffsetDateTime CREATED = OffsetDateTime.parse("2026-11-01T10:00:00Z");

    private static void insertModel(LegacyDatabase legacy, String id, String phase, String name) {
        legacy.update("INSERT INTO models (id, name, phase, version, file_path, file_size, checksum, created_at,"
                + " parameters, metrics, parameter_count) VALUES (?, ?, ?, 1, 'p', 1, 'c', ?,"
                + " '{\"parameter_count\":7}', '{\"eval_loss\":0.5}', 7)", id, name, phase, CREATED);
    }

    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void modelsWithTheirTagsLineageHandoffsAndWinnerSurviveTheUpgrade(LegacyDatabase.Backend backend,
                                                                      @TempDir Path dir) {
        var legacy = LegacyDatabase.create(backend, dir, "3");
        insertModel(legacy, "parent", "cognate", "base");
        insertModel(legacy, "child", "evomerge", "merged");
        legacy.update("UPDATE models SET winner_phase = 'evomerge' WHERE id = 'child'");
        legacy.update("INSERT INTO model_counts (phase, models) VALUES ('cognate', 1), ('evomerge', 1)");
        legacy.update("INSERT INTO model_tags (model_id, tag, position) VALUES ('child', 'best', 0)");
        legacy.update("INSERT INTO model_parents (model_id, parent_id, position) VALUES ('child', 'parent', 0)");
        legacy.update("INSERT INTO model_handoffs (id, from_phase, to_phase, model_id, created_at, status)"
                + " VALUES ('handoff-1', 'evomerge', 'quietstar', 'child', ?, 'pending')", CREATED);

        try (var database = legacy.openCurrent(ModelServer.SCHEMA)) {
            var models = new ModelRepository(database);
            var child = models.find("child");
            assertThat(child.tags()).containsExactly("best");
            assertThat(child.metrics()).containsEntry("eval_loss", 0.5);
            assertThat(child.createdAt()).isEqualTo(CREATED.toInstant());
            assertThat(models.parents("child")).containsExactly("parent");
            assertThat(models.winner(ModelPhase.EVOMERGE)).map(m -> m.modelId()).contains("child");
            assertThat(new ModelHandoffs(database).handoffs(ModelPhase.EVOMERGE, null)).singleElement()
                    .satisfies(handoff -> assertThat(handoff.handoffId()).isEqualTo("handoff-1"));
            assertThat(models.countByPhase()).containsEntry(ModelPhase.COGNATE, 1L)
                    .containsEntry(ModelPhase.EVOMERGE, 1L);

            // The registry's gate (a persistence_locks row) is still there: a new version is numbered after the old.
            var next = models.insert("parent-2", new NewModel("base", ModelPhase.COGNATE, null, Map.of(), Map.of(),
                    List.of(), List.of()), "p2", 1, "c".repeat(64));
            assertThat(next.version()).isEqualTo(2);
            assertThat(models.countByPhase()).containsEntry(ModelPhase.COGNATE, 2L);
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void modelsStoredBeforeTheCountsTableExistedAreCounted(LegacyDatabase.Backend backend, @TempDir Path dir) {
        var legacy = LegacyDatabase.create(backend, dir, "2");
        insertModel(legacy, "m1", "cognate", "n1");
        insertModel(legacy, "m2", "cognate", "n2");
        insertModel(legacy, "m3", "adas", "n3");

        try (var upgraded = legacy.openCurrent(ModelServer.SCHEMA)) {
            var repository = new ModelRepository(upgraded);
            assertThat(repository.countByPhase()).containsEntry(ModelPhase.COGNATE, 2L)
                    .containsEntry(ModelPhase.ADAS, 1L).containsEntry(ModelPhase.BITNET, 0L);
            assertThat(repository.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).total()).isEqualTo(2);
        }
    }
}
