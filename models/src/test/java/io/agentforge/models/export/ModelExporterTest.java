package io.agentforge.models.export;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.models.ExportManifest;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.models.ModelArchive;
import io.agentforge.models.storage.ArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelExporterTest {
    @TempDir
    Path tmp;

    @Test
    void aCompressedPytorchExportHoldsTheManifestTheWeightsAndTheConfigOfEachModel() throws IOException {
        var store = new ArtifactStore(tmp.resolve("storage"), 10_000_000);
        var a = storeModel(store, "cognate-a", 1, 1f);
        var b = storeModel(store, "cognate-b", 3, 2f);
        var exporter = new ModelExporter(store.root(), 10_000_000, ModelExporter.standardFormats());

        var export = exporter.export(List.of(a, b), exporter.format("pytorch"), true, true,
                m -> store.openVerified(m.phase(), m.modelId(), m.fileSize(), m.checksum()));

        assertThat(export.compressed()).isTrue();
        assertThat(export.exportPath()).isEqualTo("exports/" + export.manifest().exportId() + ".zip");
        var zipPath = store.root().resolve(export.exportPath());
        assertThat(Files.size(zipPath)).isEqualTo(export.sizeBytes());
        try (var zip = new ZipFile(zipPath.toFile())) {
            var manifest = Json.read(new String(zip.getInputStream(zip.getEntry("export_manifest.json")).readAllBytes()),
                    ExportManifest.class);
            assertThat(manifest).isEqualTo(export.manifest());
            assertThat(manifest.format()).isEqualTo("pytorch");
            assertThat(manifest.totalModels()).isEqualTo(2);
            assertThat(manifest.models()).extracting(ExportManifest.ExportedModel::exportPath)
                    .containsExactly("cognate-a-v1", "cognate-b-v3");
            assertThat(manifest.models()).extracting(ExportManifest.ExportedModel::modelId)
                    .containsExactly(a.modelId(), b.modelId());
            assertThat(zip.stream().map(e -> e.getName()).toList()).containsExactlyInAnyOrder(
                    "export_manifest.json",
                    "cognate-a-v1/model.safetensors", "cognate-a-v1/config.json", "cognate-a-v1/metadata.json",
                    "cognate-a-v1/training_stats.json",
                    "cognate-b-v3/model.safetensors", "cognate-b-v3/config.json", "cognate-b-v3/metadata.json",
                    "cognate-b-v3/training_stats.json");
            try (var manager = NDManager.newBaseManager()) {
                var weights = NDList.decode(manager, zip.getInputStream(zip.getEntry("cognate-b-v3/model.safetensors")));
                assertThat(weights.get("w").toFloatArray()).containsExactly(2f, 2f, 2f, 2f, 2f, 2f);
            }
            var metadata = Json.read(new String(zip.getInputStream(zip.getEntry("cognate-a-v1/metadata.json"))
                    .readAllBytes()), ModelMetadata.class);
            assertThat(metadata).isEqualTo(a);
        }
        try (var in = exporter.open(export.manifest().exportId())) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(zipPath));
        }
        assertThat(leftovers(store.root().resolve("exports"))).isEmpty();
    }

    @Test
    void anUncompressedDjlExportIsADirectoryOfNdListParametersReadableByDjl() throws IOException {
        var store = new ArtifactStore(tmp.resolve("storage"), 10_000_000);
        var a = storeModel(store, "merged", 2, 0.5f);
        var exporter = new ModelExporter(store.root(), 10_000_000, ModelExporter.standardFormats());

        var export = exporter.export(List.of(a), exporter.format("djl"), false, false,
                m -> store.openVerified(m.phase(), m.modelId(), m.fileSize(), m.checksum()));

        var dir = store.root().resolve(export.exportPath());
        assertThat(export.compressed()).isFalse();
        assertThat(dir.resolve("merged-v2/metadata.json")).doesNotExist();
        assertThat(dir.resolve("merged-v2/config.json")).hasContent("{\"layers\":1}");
        try (var manager = NDManager.newBaseManager(); var in = Files.newInputStream(dir.resolve("merged-v2/model.ndlist"))) {
            var list = NDList.decode(manager, in);
            assertThat(list.get("w").getShape()).isEqualTo(new Shape(2, 3));
            assertThat(list.get("w").toFloatArray()).containsOnly(0.5f);
            assertThat(list.get("b").toFloatArray()).containsExactly(0.5f, 0.5f);
        }
        assertThat(Json.read(Files.readString(dir.resolve("export_manifest.json")), ExportManifest.class).format())
                .isEqualTo("djl");
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheFieldAndTheFormatsThereAre() {
        var exporter = new ModelExporter(tmp, 1_000, ModelExporter.standardFormats());
        assertThatThrownBy(() -> exporter.format("onnx")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("export_format").hasMessageContaining("pytorch, djl").hasMessageContaining("onnx");
    }

    @Test
    void anArtifactThatIsNoModelFailsTheExportAndLeavesNothingBehind() throws IOException {
        var store = new ArtifactStore(tmp.resolve("storage"), 10_000_000);
        var id = UUID.randomUUID().toString();
        var stored = store.write(ModelPhase.ADAS, id, new ByteArrayInputStream("plain bytes".getBytes()));
        var meta = new ModelMetadata(id, "blob", ModelPhase.ADAS, 1, stored.filePath(), stored.size(), stored.sha256(),
                Instant.now(), null, Map.of(), Map.of(), false, List.of());
        var exporter = new ModelExporter(store.root(), 10_000_000, ModelExporter.standardFormats());

        assertThatThrownBy(() -> exporter.export(List.of(meta), exporter.format("pytorch"), true, true,
                m -> store.openVerified(m.phase(), m.modelId(), m.fileSize(), m.checksum())))
                .isInstanceOf(ConflictException.class).hasMessageContaining(id);
        assertThat(leftovers(store.root().resolve("exports"))).isEmpty();
    }

    /** A model directory as the engine writes one, with 2x3 and 2-element arrays filled with {@code value}. */
    static ModelMetadata storeModel(ArtifactStore store, String name, int version, float value) throws IOException {
        var dir = Files.createTempDirectory("model");
        try (var manager = NDManager.newBaseManager()) {
            var w = manager.full(new Shape(2, 3), value);
            w.setName("w");
            var b = manager.full(new Shape(2), value);
            b.setName("b");
            try (var out = Files.newOutputStream(dir.resolve("model.safetensors"))) {
                new NDList(w, b).encode(out, NDList.Encoding.SAFETENSORS);
            }
        }
        Files.writeString(dir.resolve("config.json"), "{\"layers\":1}");
        Files.writeString(dir.resolve("training_stats.json"), "{\"final_loss\":2.0}");
        var id = UUID.randomUUID().toString();
        var stored = store.write(ModelPhase.COGNATE, id, ModelArchive.packing(dir));
        var params = new HashMap<String, Object>();
        params.put("seed", 42);
        return new ModelMetadata(id, name, ModelPhase.COGNATE, version, stored.filePath(), stored.size(),
                stored.sha256(), Instant.parse("2026-11-26T17:00:00Z"), null, params, Map.of("eval_loss", 2.5), false,
                List.of("t1"));
    }

    static List<Path> leftovers(Path exports) throws IOException {
        if (!Files.exists(exports)) {
            return List.of();
        }
        try (var list = Files.list(exports)) {
            return list.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
