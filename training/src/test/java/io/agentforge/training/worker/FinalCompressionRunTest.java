package io.agentforge.training.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.training.artifacts.PhaseStats;
import io.agentforge.training.parameters.PhaseParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Final Compression runner on a real tiny ternary model, in this JVM. */
class FinalCompressionRunTest {

    private static PhaseParameters parameters(Map<String, Object> own) {
        var values = new HashMap<String, Object>(Map.of("model_preset", "tiny", "max_train_samples", 50,
                "max_eval_samples", 24));
        values.putAll(own);
        // Built-in data only: no datasets directory is read.
        return PhaseParameters.of(new JobRequest(ModelPhase.FINAL_COMPRESSION, null, values, null), Path.of("datasets"));
    }

    /** A tiny model as BitNet hands it on: its projections ternary, everything else full precision. */
    private static InputModel ternaryInput(Path dir) throws Exception {
        var config = TransformerConfig.preset("tiny").withQuantization(Quantization.BITNET);
        var export = dir.resolve("inputs").resolve("m-1");
        try (var model = LanguageModel.initialize(config, 11); var ternary = Ternarization.ternarize(model)) {
            ModelExport.save(ternary, null, export);
        }
        return new InputModel("h-1", "m-1", "bitnet-winner", "winner", "sha", export.resolve("x.zip"), export);
    }

    private static List<WorkerMessage> messages(ByteArrayOutputStream out) throws Exception {
        var list = new java.util.ArrayList<WorkerMessage>();
        for (var line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                list.add(Json.mapper().readValue(line, WorkerMessage.class));
            }
        }
        return list;
    }

    @Test
    void packsTheInputAndProvesTheUnpackedModelIsTheQuantisedOne(@TempDir Path dir) throws Exception {
        var input = ternaryInput(dir);
        var jobDir = dir.resolve("job");
        var out = new ByteArrayOutputStream();
        var spec = new WorkerSpec("job-1", ModelPhase.FINAL_COMPRESSION, parameters(Map.of()), jobDir, 1, List.of(input));
        var runner = PhaseRunners.of(ModelPhase.FINAL_COMPRESSION).orElseThrow();

        int exit = runner.run(new PhaseContext(spec, List.of(input),
                new WorkerChannel(new PrintStream(out, true, StandardCharsets.UTF_8)), new StopSignal()));

        assertThat(exit).isEqualTo(WorkerMain.EXIT_COMPLETED);
        var stats = PhaseStats.read(jobDir);
        assertThat(stats).containsKeys("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds",
                "streams", "loss_before");
        assertThat(stats.get("phase")).isEqualTo("final-compression");
        // The ratio is one file size over another, both on disk.
        long inputBytes = Files.size(jobDir.resolve("final/input-fp32").resolve(ModelExport.WEIGHTS));
        var packed = jobDir.resolve("final/packed");
        long artifactBytes = Files.size(packed.resolve(ModelExport.PACKED));
        assertThat(((Number) stats.get("input_bytes")).longValue()).isEqualTo(inputBytes);
        assertThat(((Number) stats.get("artifact_bytes")).longValue()).isEqualTo(artifactBytes);
        assertThat((double) stats.get("ratio")).isEqualTo((double) inputBytes / artifactBytes);
        assertThat((double) stats.get("ratio")).isGreaterThan(4.0);
        // Unpacked from disk is bit for bit the model quantised in memory.
        assertThat((double) stats.get("loss_unpacked")).isCloseTo((double) stats.get("loss_quantised"), within(1e-6));
        assertThat((double) stats.get("delta"))
                .isEqualTo((double) stats.get("loss_unpacked") - (double) stats.get("loss_before"));
        assertThat(stats.get("greedy_tokens_match")).isEqualTo(true);
        assertThat(stats.get("winner_artifact")).isEqualTo(FinalCompressionRun.ARTIFACT);
        @SuppressWarnings("unchecked")
        var streams = (List<Map<String, Object>>) stats.get("streams");
        assertThat(streams).allSatisfy(s -> assertThat(s).containsKeys("name", "codec", "bytes", "bits_per_weight"));
        assertThat(streams).anySatisfy(s -> {
            assertThat(s.get("codec")).isEqualTo("ternary_base3");
            assertThat((double) s.get("bits_per_weight")).isLessThan(2.0);
        });
        long streamBytes = streams.stream().mapToLong(s -> ((Number) s.get("bytes")).longValue()).sum();
        assertThat(streamBytes + ((Number) stats.get("manifest_bytes")).longValue()).isLessThanOrEqualTo(artifactBytes);

        var all = messages(out);
        assertThat(all.getFirst()).isInstanceOf(WorkerMessage.Started.class);
        var completed = (WorkerMessage.Completed) all.getLast();
        assertThat(completed.artifacts()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(FinalCompressionRun.ARTIFACT);
            assertThat(a.directory()).isEqualTo(packed);
        });
        // The saved directory is a model: its loader reads the packed file, and a changed byte is refused.
        try (var model = ModelExport.load(packed)) {
            assertThat(model.config().quantization()).isEqualTo(Quantization.TERNARY);
        }
        byte[] bytes = Files.readAllBytes(packed.resolve(ModelExport.PACKED));
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(packed.resolve(ModelExport.PACKED), bytes);
        assertThatThrownBy(() -> ModelExport.load(packed))
                .isInstanceOf(io.agentforge.engine.compression.CorruptArtifactException.class)
                .hasMessageContaining("sha256");
    }

    @Test
    void int4GroupsAreTheOptionForTheMatricesThatAreNotTernary(@TempDir Path dir) throws Exception {
        var input = ternaryInput(dir);
        var options = FinalCompressionRun.options(parameters(Map.of("int4_group_size", 32)));
        try (var model = ModelExport.load(input.directory())) {
            var report = PackedModel.write(model, options, dir.resolve("m.afpack"));
            assertThat(report.tensor("tok_embeddings.weight").codec().name()).isEqualTo("INT4_GROUPS");
            assertThat(report.tensor("tok_embeddings.weight").groupSize()).isEqualTo(32);
        }
    }

    @Test
    void anUnknownOrOutOfRangeParameterIsRefusedByName() {
        assertThatThrownBy(() -> parameters(Map.of("int4_groupsize", 32)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("int4_groupsize");
        assertThatThrownBy(() -> parameters(Map.of("greedy_prompts", 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("greedy_prompts");
        // Another phase's parameter is unknown here.
        assertThatThrownBy(() -> parameters(Map.of("generations", 3)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("generations");
    }

    @Test
    void moreThanOneInputWithoutAWinnerIsRefused(@TempDir Path dir) {
        var a = new InputModel("h-1", "m-1", "a", "model", "s", dir, dir);
        var b = new InputModel("h-2", "m-2", "b", "model", "s", dir, dir);
        assertThatThrownBy(() -> FinalCompressionRun.input(List.of(a, b))).isInstanceOf(RunFailure.class)
                .hasMessageContaining("a (model)");
    }
}
