package io.agentforge.models.registry;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.ModelSummary;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.ModelServer;
import io.agentforge.models.RunningModelService;
import io.agentforge.models.storage.ArtifactStore;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The registry on a real PostgreSQL: concurrency, failures between file and row, and the start-up sweep. */
class ModelRegistryPostgresTest {
    @TempDir
    static Path dir;
    static String databaseUrl;
    static RunningModelService service;

    @BeforeAll
    static void start() {
        databaseUrl = PostgresServerFixture.freshDatabase().url();
        service = RunningModelService.start(dir, databaseUrl, 1_000_000);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void concurrentSavesOfOneNameGetConsecutiveVersions() throws Exception {
        var name = "concurrent-" + UUID.randomUUID().toString().substring(0, 8);
        var tasks = new ArrayList<Callable<ModelMetadata>>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> service.registry.save(model(name, ModelPhase.COGNATE), bytes(1000)));
        }
        List<Future<ModelMetadata>> results;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            results = pool.invokeAll(tasks);
        }
        var versions = new ArrayList<Integer>();
        for (var result : results) {
            versions.add(result.get().version());
        }
        assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        var listed = service.registry.models(new ModelQuery(null, name, null, null, PageRequest.first(100)));
        assertThat(listed.total()).isEqualTo(8);
    }

    @Test
    void concurrentWinnerMarksLeaveExactlyOneWinner() throws Exception {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            ids.add(service.registry.save(model("w" + i, ModelPhase.ADAS), bytes(10)).modelId());
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var id : ids) {
                pool.submit(() -> service.registry.markWinner(id));
            }
        }
        var winners = service.registry.models(new ModelQuery(ModelPhase.ADAS, null, null, true, null));
        assertThat(winners.items()).hasSize(1);
        assertThat(service.registry.winners()).filteredOn(m -> m.phase() == ModelPhase.ADAS).hasSize(1);
    }

    @Test
    void aSaveWhoseRowCannotBeWrittenLeavesNoArtifact() {
        var storage = dir.resolve("down");
        var database = Database.open(databaseUrl, dir.resolve("down-db"), ModelServer.SCHEMA);
        try (var bus = new InProcessEventBus();
             var registry = ModelServer.registry(new ModelServiceConfig(0, storage, 1_000_000), database, bus)) {
            database.close(); // the database goes away after the service started

            assertThatThrownBy(() -> registry.save(model("orphan", ModelPhase.BITNET), bytes(5000)))
                    .isInstanceOf(DependencyUnavailableException.class);
            assertThat(files(storage)).isEmpty();
        }
    }

    @Test
    void theStartUpSweepRemovesArtifactsACrashLeftWithoutARow() throws Exception {
        var kept = service.registry.save(model("kept", ModelPhase.FINAL_COMPRESSION), bytes(10));
        // A crash after the rename and before the commit: a complete artifact, no row.
        var store = new ArtifactStore(service.storage, 1_000_000);
        var orphanId = UUID.randomUUID().toString();
        var orphan = store.write(ModelPhase.FINAL_COMPRESSION, orphanId, new ByteArrayInputStream(new byte[10]));
        var orphanDir = service.storage.resolve(orphan.filePath()).getParent();
        var old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(orphanDir.resolve("model.zip"), old);
        Files.setLastModifiedTime(orphanDir, old);
        Files.setLastModifiedTime(service.storage.resolve(kept.filePath()).getParent(), old);

        // A restart: a new registry over the same storage and database sweeps in the background.
        try (var registry = ModelServer.registry(new ModelServiceConfig(0, service.storage, 1_000_000),
                service.database, service.bus)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(orphanDir));
            assertThat(service.storage.resolve(kept.filePath())).exists();
            try (var in = registry.openArtifact(kept.modelId())) {
                assertThat(in.readAllBytes()).hasSize(10);
            }
        }
    }

    @Test
    void deletingAModelRemovesItsArtifactAndItsRow() {
        var saved = service.registry.save(model("doomed", ModelPhase.TOOL_PERSONA), bytes(10));
        service.registry.delete(saved.modelId());
        assertThat(service.storage.resolve(saved.filePath())).doesNotExist();
        assertThat(service.registry.models(new ModelQuery(ModelPhase.TOOL_PERSONA, "doomed", null, null, null)).total())
                .isZero();
    }

    @Test
    void theSummaryCountsModelsAndAddsUpTheirParametersAsTheContractsDefaultDoes() {
        for (int i = 0; i < 5; i++) {
            service.registry.save(new NewModel("summed", ModelPhase.QUIETSTAR, null, Map.of("parameter_count", 1000 + i),
                    null, List.of(i % 2 == 0 ? "even" : "odd"), null), bytes(10));
        }
        service.registry.save(new NewModel("summed", ModelPhase.QUIETSTAR, null, null, null, null, null), bytes(10));
        // The interface's own default, which pages through models(), run against the same registry.
        var viaListing = (ModelService) Proxy.newProxyInstance(ModelService.class.getClassLoader(),
                new Class<?>[]{ModelService.class}, (proxy, method, args) -> method.isDefault()
                        ? InvocationHandler.invokeDefault(proxy, method, args) : method.invoke(service.registry, args));

        var all = new ModelQuery(ModelPhase.QUIETSTAR, "summed", null, null, null);
        var even = new ModelQuery(ModelPhase.QUIETSTAR, "summed", "even", null, null);
        assertThat(service.registry.summary(all)).isEqualTo(new ModelSummary(6, 5010)).isEqualTo(viaListing.summary(all));
        assertThat(service.registry.summary(even)).isEqualTo(new ModelSummary(3, 3006)).isEqualTo(viaListing.summary(even));
    }

    static NewModel model(String name, ModelPhase phase) {
        return new NewModel(name, phase, null, null, null, List.of("pg"), null);
    }

    static ByteArrayInputStream bytes(int n) {
        var b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return new ByteArrayInputStream(b);
    }

    static List<Path> files(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
