package io.agentforge.models.registry;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelSummary;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.ModelServer;
import io.agentforge.platform.testing.PersistenceContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every database must do for model metadata; run on H2 and on PostgreSQL. */
class ModelRepositoryTest extends PersistenceContract {
    private static final String CHECKSUM = "a".repeat(64);

    ModelRepositoryTest() {
        super(ModelServer.SCHEMA, "model_handoffs", "model_parents", "model_tags", "models", "model_counts");
    }

    private ModelRepository models;
    private ModelHandoffs handoffs;

    @BeforeEach
    void createRepository() {
        models = new ModelRepository(database, clock);
        handoffs = new ModelHandoffs(database, clock);
    }

    private ModelMetadata save(String name, ModelPhase phase, List<String> tags, List<String> parents) {
        var id = UUID.randomUUID().toString();
        var saved = models.insert(id, new NewModel(name, phase, null, Map.of("parameter_count", 1000), Map.of(),
                tags, parents), phase.wireName() + "/" + id + "/model.bin", 4096, CHECKSUM);
        clock.advance(Duration.ofSeconds(1));
        return saved;
    }

    private ModelMetadata save(String name, ModelPhase phase) {
        return save(name, phase, List.of(), List.of());
    }

    @Test
    void aSummaryWhoseParameterCountsAddUpBeyondALongSaturatesInsteadOfFailing() {
        for (int i = 0; i < 3; i++) {
            var id = UUID.randomUUID().toString();
            models.insert(id, new NewModel("huge", ModelPhase.ADAS, null, Map.of("parameter_count", Long.MAX_VALUE / 2),
                    Map.of(), List.of(), List.of()), "adas/" + id + "/model.bin", 4096, CHECKSUM);
        }

        assertThat(models.summary(ModelQuery.ofPhase(ModelPhase.ADAS))).isEqualTo(new ModelSummary(3, Long.MAX_VALUE));
    }

    @Test
    void insertedModelRoundTripsEveryField() {
        var id = UUID.randomUUID().toString();
        // JSON keeps numbers, not Java types: an int comes back as an int, so the parameters here are ints/doubles.
        var parameters = Map.<String, Object>of("parameter_count", 25_000_000, "architecture",
                Map.of("layers", 6, "heads", 8, "dropout", 0.1), "seeds", List.of(42, 1337));
        var metrics = Map.of("final_loss", 2.31, "perplexity", 10.07);
        var inserted = models.insert(id, new NewModel("cognate-tiny", ModelPhase.COGNATE, "job-123", parameters,
                metrics, List.of("seed-42", "baseline"), List.of()), "cognate/" + id + "/model.safetensors",
                123_456_789_012L, "0123456789abcdef".repeat(4));

        var expected = new ModelMetadata(id, "cognate-tiny", ModelPhase.COGNATE, 1, "cognate/" + id
                + "/model.safetensors", 123_456_789_012L, "0123456789abcdef".repeat(4), START, "job-123", parameters,
                metrics, false, List.of("seed-42", "baseline"));
        assertThat(inserted).isEqualTo(expected);
        assertThat(models.find(id)).isEqualTo(expected);
    }

    @Test
    void countsModelsByPhaseWithZeroForPhasesWithout() {
        save("a", ModelPhase.COGNATE);
        save("b", ModelPhase.COGNATE);
        save("c", ModelPhase.BITNET);

        var counts = models.countByPhase();

        assertThat(counts).hasSize(ModelPhase.values().length)
                .containsEntry(ModelPhase.COGNATE, 2L).containsEntry(ModelPhase.BITNET, 1L)
                .containsEntry(ModelPhase.ADAS, 0L);
    }

    @Test
    void versionsCountUpPerName() {
        assertThat(save("alpha", ModelPhase.COGNATE).version()).isEqualTo(1);
        assertThat(save("alpha", ModelPhase.COGNATE).version()).isEqualTo(2);
        assertThat(save("beta", ModelPhase.COGNATE).version()).isEqualTo(1);
        assertThat(save("alpha", ModelPhase.EVOMERGE).version()).isEqualTo(3);
    }

    @Test
    void concurrentInsertsOfOneNameGetConsecutiveVersions() throws Exception {
        var versions = onReplicasAtOnce(3, (replica, index) -> {
            var repository = new ModelRepository(replica, clock);
            var mine = new ArrayList<Integer>();
            for (int i = 0; i < 10; i++) {
                var id = UUID.randomUUID().toString();
                mine.add(repository.insert(id, new NewModel("shared", ModelPhase.COGNATE, null, null, null,
                        null, null), "cognate/" + id, 1, CHECKSUM).version());
            }
            return mine;
        }).stream().flatMap(List::stream).toList();
        assertThat(versions).hasSize(30).doesNotHaveDuplicates().allMatch(v -> v >= 1 && v <= 30);
        assertThat(models.countByPhase()).containsEntry(ModelPhase.COGNATE, 30L);
    }

    @Test
    void listingTotalsFollowInsertsAndDeletesFromSeveralReplicasAtOnce() throws Exception {
        var kept = save("kept", ModelPhase.BITNET);
        onReplicasAtOnce(3, (replica, index) -> {
            var repository = new ModelRepository(replica, clock);
            // Each replica saves 12 and deletes every third of its own: 8 stay per replica.
            for (int i = 0; i < 12; i++) {
                var id = UUID.randomUUID().toString();
                repository.insert(id, new NewModel("churn", ModelPhase.COGNATE, null, null, null, null, null),
                        "cognate/" + id, 1, CHECKSUM);
                if (i % 3 == 0) {
                    repository.delete(id);
                }
            }
            return null;
        });
        models.delete(kept.modelId());

        assertThat(models.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).total()).isEqualTo(24).isEqualTo(count("models"));
        assertThat(models.list(ModelQuery.ofPhase(ModelPhase.BITNET)).total()).isZero();
        assertThat(models.list(ModelQuery.all()).total()).isEqualTo(24);
        assertThat(models.countByPhase()).containsEntry(ModelPhase.COGNATE, 24L).containsEntry(ModelPhase.BITNET, 0L);
        assertThatThrownBy(() -> models.delete(kept.modelId())).isInstanceOf(NotFoundException.class);
        assertThat(models.countByPhase()).containsEntry(ModelPhase.BITNET, 0L);
    }

    @Test
    void childrenSavedWhileTheirParentsAreDeletedEitherLinkOrAreRefusedNeverDeadlock() throws Exception {
        var parents = new ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            parents.add(save("parent-" + i, ModelPhase.COGNATE).modelId());
        }

        var outcomes = onReplicasAtOnce(2, (replica, index) -> {
            var repository = new ModelRepository(replica, clock);
            var failures = new ArrayList<Exception>();
            for (var parent : parents) {
                try {
                    if (index == 0) {
                        repository.delete(parent);
                    } else {
                        var id = UUID.randomUUID().toString();
                        repository.insert(id, new NewModel("child", ModelPhase.COGNATE, null, null, null, null,
                                List.of(parent)), "cognate/" + id, 1, CHECKSUM);
                    }
                } catch (NotFoundException refused) {
                    // the parent was gone first: an honest answer
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            return failures;
        });

        assertThat(outcomes).allSatisfy(failures -> assertThat(failures).isEmpty());
        assertThat(models.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).total()).isEqualTo(count("models"));
    }

    @Test
    void aFailedInsertCountsNothing() {
        save("a", ModelPhase.COGNATE);

        assertThatThrownBy(() -> save("orphan", ModelPhase.COGNATE, List.of(), List.of("no-such-parent")))
                .isInstanceOf(NotFoundException.class);

        assertThat(models.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).total()).isEqualTo(1);
    }

    @Test
    void listFiltersByPhaseNameTagAndWinnerNewestFirstWithTotals() {
        var a1 = save("a", ModelPhase.COGNATE, List.of("seed-42"), List.of());
        var a2 = save("a", ModelPhase.COGNATE, List.of("seed-1337", "best"), List.of());
        var b1 = save("b", ModelPhase.EVOMERGE, List.of("best"), List.of(a1.modelId(), a2.modelId()));
        var a3 = save("a", ModelPhase.COGNATE);
        models.markWinner(a2.modelId());

        assertThat(models.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).items()).extracting(ModelMetadata::modelId)
                .containsExactly(a3.modelId(), a2.modelId(), a1.modelId());
        assertThat(models.list(new ModelQuery(null, "b", null, null, null)).items())
                .extracting(ModelMetadata::modelId).containsExactly(b1.modelId());
        assertThat(models.list(new ModelQuery(null, null, "best", null, null)).items())
                .extracting(ModelMetadata::modelId).containsExactly(b1.modelId(), a2.modelId());
        assertThat(models.list(new ModelQuery(ModelPhase.COGNATE, null, "best", true, null)).items())
                .extracting(ModelMetadata::modelId).containsExactly(a2.modelId());
        assertThat(models.list(new ModelQuery(null, null, null, false, null)).total()).isEqualTo(3);
        assertThat(models.list(new ModelQuery(null, null, "nothing-tagged-so", null, null)).total()).isZero();

        var page = models.list(new ModelQuery(null, null, null, null, new PageRequest(1, 2)));
        assertThat(page.total()).isEqualTo(4);
        assertThat(page.items()).extracting(ModelMetadata::modelId).containsExactly(b1.modelId(), a2.modelId());
        assertThat(page.items().get(1).tags()).containsExactly("seed-1337", "best");
        assertThat(page.items().get(1).isWinner()).isTrue();

        assertThat(models.summary(ModelQuery.ofPhase(ModelPhase.COGNATE))).isEqualTo(new ModelSummary(3, 3000));
        assertThat(models.summary(ModelQuery.all())).isEqualTo(new ModelSummary(4, 4000));
    }

    @Test
    void markingAWinnerUnmarksThePreviousOneOfItsPhaseOnly() {
        var first = save("a", ModelPhase.COGNATE);
        var second = save("b", ModelPhase.COGNATE);
        var merged = save("c", ModelPhase.EVOMERGE);

        assertThat(models.winner(ModelPhase.COGNATE)).isEmpty();
        assertThat(models.markWinner(first.modelId()).isWinner()).isTrue();
        models.markWinner(merged.modelId());
        assertThat(models.markWinner(second.modelId()).isWinner()).isTrue();

        assertThat(models.find(first.modelId()).isWinner()).isFalse();
        assertThat(models.winner(ModelPhase.COGNATE)).map(ModelMetadata::modelId).contains(second.modelId());
        assertThat(models.winner(ModelPhase.EVOMERGE)).map(ModelMetadata::modelId).contains(merged.modelId());
        assertThat(models.winners()).extracting(ModelMetadata::modelId)
                .containsExactly(second.modelId(), merged.modelId());
        assertThat(models.markWinner(second.modelId()).isWinner()).as("marking twice is harmless").isTrue();
        assertThatThrownBy(() -> models.markWinner("missing")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void concurrentWinnerMarksLeaveExactlyOneWinner() throws Exception {
        var candidates = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            candidates.add(save("m" + i, ModelPhase.BITNET).modelId());
        }
        onReplicasAtOnce(4, (replica, index) -> {
            var repository = new ModelRepository(replica, clock);
            for (int round = 0; round < 5; round++) {
                repository.markWinner(candidates.get((index * 2 + round) % candidates.size()));
            }
            return null;
        });
        assertThat(models.list(new ModelQuery(ModelPhase.BITNET, null, null, true, null)).total()).isEqualTo(1);
    }

    @Test
    void theSchemaItselfAllowsOneWinnerPerPhase() throws SQLException {
        var first = save("a", ModelPhase.ADAS);
        var second = save("b", ModelPhase.ADAS);
        models.markWinner(first.modelId());
        assertThatThrownBy(() -> execute("UPDATE models SET winner_phase = phase WHERE id = '"
                + second.modelId() + "'")).isInstanceOf(SQLException.class);
        assertThat(models.find(second.modelId()).isWinner()).isFalse();
    }

    @Test
    void anUnknownParentWritesNothing() {
        var before = count("models");
        var id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> models.insert(id, new NewModel("orphan", ModelPhase.EVOMERGE, null, null, null,
                List.of("tag"), List.of("no-such-parent")), "evomerge/" + id, 1, CHECKSUM))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-parent");
        assertThatThrownBy(() -> models.find(id)).isInstanceOf(NotFoundException.class);
        assertThat(count("models")).isEqualTo(before);
        assertThat(count("model_tags")).isZero();
    }

    @Test
    void malformedInputIsRejectedBeforeAnythingIsWritten() {
        var id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> models.insert(id, new NewModel("x", ModelPhase.COGNATE, null, null, null, null,
                null), "p", 1, "not-a-sha")).isInstanceOf(InvalidRequestException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> models.insert(id, new NewModel(" ", ModelPhase.COGNATE, null, null, null, null,
                null), "p", 1, CHECKSUM)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> models.insert(id, new NewModel("x", ModelPhase.COGNATE, null, null, null,
                List.of(""), null), "p", 1, CHECKSUM)).isInstanceOf(InvalidRequestException.class);
        assertThat(count("models")).isZero();
    }

    @Test
    void lineageRecordsParentsAndChildren() {
        var ancestor = save("ancestor", ModelPhase.COGNATE);
        var left = save("left", ModelPhase.COGNATE, List.of(), List.of(ancestor.modelId()));
        var right = save("right", ModelPhase.COGNATE, List.of(), List.of(ancestor.modelId()));
        var merged = save("merged", ModelPhase.EVOMERGE, List.of(), List.of(right.modelId(), left.modelId()));

        assertThat(models.parents(merged.modelId())).containsExactly(right.modelId(), left.modelId());
        assertThat(models.children(ancestor.modelId())).containsExactlyInAnyOrder(left.modelId(), right.modelId());
        assertThat(models.parents(ancestor.modelId())).isEmpty();

        models.delete(left.modelId());
        assertThat(models.parents(merged.modelId())).containsExactly(right.modelId());
        assertThatThrownBy(() -> models.parents(left.modelId())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void deleteRemovesTheModelWithItsTagsAndHandoffs() {
        var kept = save("kept", ModelPhase.COGNATE, List.of("x"), List.of());
        var doomed = save("doomed", ModelPhase.COGNATE, List.of("x", "y"), List.of());
        models.markWinner(doomed.modelId());
        handoffs.insertHandoff(doomed.modelId(), ModelPhase.COGNATE, ModelPhase.EVOMERGE);

        var deleted = models.delete(doomed.modelId());
        assertThat(deleted.filePath()).isEqualTo(doomed.filePath());
        assertThatThrownBy(() -> models.find(doomed.modelId())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> models.delete(doomed.modelId())).isInstanceOf(NotFoundException.class);
        assertThat(models.winner(ModelPhase.COGNATE)).isEmpty();
        assertThat(handoffs.handoffs(null, null)).isEmpty();
        assertThat(count("model_tags")).isEqualTo(1);
        assertThat(models.list(new ModelQuery(null, null, "x", null, null)).items())
                .extracting(ModelMetadata::modelId).containsExactly(kept.modelId());
    }

    @Test
    void handoffsAreRecordedListedAndCompleted() {
        var model = save("a", ModelPhase.COGNATE);
        var first = handoffs.insertHandoff(model.modelId(), ModelPhase.COGNATE, ModelPhase.EVOMERGE);
        clock.advance(Duration.ofSeconds(1));
        var second = handoffs.insertHandoff(model.modelId(), ModelPhase.EVOMERGE, ModelPhase.QUIETSTAR);
        assertThat(first).isEqualTo(new ModelHandoff(first.handoffId(), ModelPhase.COGNATE, ModelPhase.EVOMERGE,
                model.modelId(), clock.instant().minusSeconds(1), "pending"));

        assertThat(handoffs.handoffs(null, null)).containsExactly(second, first);
        assertThat(handoffs.handoffs(null, ModelPhase.EVOMERGE)).containsExactly(first);
        assertThat(handoffs.handoffs(ModelPhase.EVOMERGE, null)).containsExactly(second);

        var completed = handoffs.updateHandoffStatus(first.handoffId(), "completed", null);
        assertThat(completed.status()).isEqualTo("completed");
        assertThat(handoffs.handoffs(ModelPhase.COGNATE, ModelPhase.EVOMERGE)).containsExactly(completed);
        var rejected = handoffs.updateHandoffStatus(second.handoffId(), "rejected", "job j9 was cancelled");
        assertThat(handoffs.handoffs(ModelPhase.EVOMERGE, null)).containsExactly(rejected);
        assertThat(rejected.reason()).isEqualTo("job j9 was cancelled");
        assertThatThrownBy(() -> handoffs.updateHandoffStatus(first.handoffId(), "lost", null))
                .hasMessageContaining("status");
        assertThatThrownBy(() -> handoffs.insertHandoff("missing", ModelPhase.COGNATE, ModelPhase.EVOMERGE))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> handoffs.updateHandoffStatus("missing", "completed", null))
                .isInstanceOf(NotFoundException.class);
        assertThat(count("model_handoffs")).isEqualTo(2);
    }
}
