package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.BitLinear;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The BitNet and Forge Training runners on a tiny model that a test trains itself (the phases before them need not
 * exist): a full-precision model is trained for a few steps, handed to BitNet as the previous phase's winner, and
 * BitNet's ternary export is handed to Forge Training.
 */
class BitNetAndForgeRunTest {
    /** tiny's shape, written out so that a change of the preset leaves the margins alone. */
    private static final TransformerConfig FP = new TransformerConfig(272, 128, 2, 32, 2, 64, true);

    @TempDir
    static Path dir;
    static Path fpDir;
    static Path bitnetJob;
    static JsonNode bitnetStats;
    static List<String> bitnetMessages;

    private static Map<String, Object> common() {
        var parameters = new HashMap<String, Object>();
        parameters.put("dataset", "arithmetic-word-problems");
        parameters.put("model_preset", "tiny");
        parameters.put("batch_size", 8);
        parameters.put("learning_rate", 3e-3);
        parameters.put("max_train_samples", 320);
        parameters.put("max_eval_samples", 16);
        parameters.put("use_grokfast", false);
        parameters.put("seed", 1);
        return parameters;
    }

    private static PhaseParameters parameters(ModelPhase phase, Map<String, Object> parameters) {
        return PhaseParameters.of(new JobRequest(phase, null, parameters, null), dir.resolve("datasets"));
    }

    @BeforeAll
    static void trainAFullPrecisionModelAndQuantizeIt() throws Exception {
        var data = QuantizedTraining.data(parameters(ModelPhase.BITNET, common()), FP);
        var fpRun = TrainingRun.builder(FP, QuantizedTraining.forTraining(data)).modelName("fp").learningRate(3e-3).warmupSteps(5).batchSize(8)
                .maxSteps(60).evalInterval(60).evalBatchSize(40).grokFast(new GrokFastSettings.Off()).seed(1).build();
        fpDir = dir.resolve("fp");
        try (var fp = new Trainer().run(fpRun, p -> { }, new io.agentforge.engine.training.StopSignal()).model()) {
            ModelExport.save(fp, null, fpDir);
        }
        var bitnet = common();
        bitnet.put("max_steps", 40);
        bitnet.put("eval_interval", 20);
        bitnet.put("checkpoint_interval", 20);
        bitnetJob = dir.resolve("bitnet-job");
        bitnetMessages = new ArrayList<>();
        int exit = run(new BitNetRun(), ModelPhase.BITNET, bitnet, bitnetJob, fpDir, bitnetMessages);
        assertThat(exit).as("bitnet exit; messages %s", bitnetMessages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        bitnetStats = Json.mapper().readTree(bitnetJob.resolve(PhaseClock.STATS_FILE).toFile());
    }

    private static int run(PhaseRunner runner, ModelPhase phase, Map<String, Object> parameters, Path jobDir, Path input,
                           List<String> messages) throws Exception {
        var spec = new WorkerSpec("job-" + phase.wireName(), phase, parameters(phase, parameters), jobDir, 1);
        var model = new InputModel("handoff-1", "model-in-" + phase.wireName(), "input", "winner", "not-checked", null, input);
        var out = new ByteArrayOutputStream();
        try {
            return runner.run(new PhaseContext(spec, List.of(model), new WorkerChannel(new PrintStream(out, true,
                    StandardCharsets.UTF_8)), new StopSignal()));
        } finally {
            messages.addAll(out.toString(StandardCharsets.UTF_8).lines().toList());
        }
    }

    private static Path bitnetExport() {
        return bitnetJob.resolve(BitNetRun.RUN_DIR).resolve(QuantizedTraining.EXPORT);
    }

    @Test
    void ternarisingBitesAndQuantizationAwareTrainingRecovers() {
        double fp = bitnetStats.get("loss_fp").asDouble();
        double ptq = bitnetStats.get("loss_ptq").asDouble();
        double qat = bitnetStats.get("loss_qat").asDouble();
        assertThat(ptq).as("loss_ptq > loss_fp").isGreaterThan(fp);
        assertThat(qat).as("loss_qat < loss_ptq (fp %.4f)", fp).isLessThan(ptq);
        assertThat(bitnetStats.get("recovery").asDouble()).isCloseTo((ptq - qat) / (ptq - fp), within(1e-12));
        for (var key : List.of("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds",
                "size_fp32_bytes", "size_packed_bytes", "zero_fraction", "distinct_values_max", "winner_artifact")) {
            assertThat(bitnetStats.has(key)).as(key).isTrue();
        }
        assertThat(bitnetStats.get("phase").asText()).isEqualTo("bitnet");
        assertThat(bitnetStats.get("input_models").get(0).get("model_id").asText()).isEqualTo("model-in-bitnet");
        assertThat(bitnetStats.get("parameters").get("ramp_share").asDouble()).isEqualTo(0.2);
        assertThat(bitnetStats.get("quantization_ramp_steps").asInt()).isEqualTo(8);
        assertThat(bitnetMessages.getLast()).contains("\"type\":\"completed\"").contains(BitNetRun.ARTIFACT);
    }

    @Test
    void everyQuantizedMatrixOfTheExportHoldsAtMostThreeValuesAndSizesAreFiles() throws Exception {
        try (var exported = ModelExport.load(bitnetExport())) {
            assertThat(exported.config()).isEqualTo(FP.withQuantization(Quantization.TERNARY));
            int matrices = 0;
            for (var entry : exported.parameters().entrySet()) {
                if (BitLinear.isQuantizedWeight(entry.getKey())) {
                    matrices++;
                    assertThat(QuantizationReport.distinctValues(entry.getValue().toFloatArray())).as(entry.getKey())
                            .isLessThanOrEqualTo(3);
                }
            }
            assertThat(matrices).isEqualTo(FP.layers() * 4);
            assertThat(bitnetStats.get("zero_fraction").size()).isEqualTo(matrices);
        }
        assertThat(bitnetStats.get("distinct_values_max").asInt()).isLessThanOrEqualTo(3);
        long fp32 = bitnetStats.get("size_fp32_bytes").asLong();
        long packed = bitnetStats.get("size_packed_bytes").asLong();
        assertThat(fp32).isEqualTo(Files.size(fpDir.resolve(ModelExport.WEIGHTS)));
        assertThat(packed).isEqualTo(Files.size(bitnetJob.resolve(BitNetRun.PACKED_FILE))).isLessThan(fp32 / 2);
        // The packed container unpacks to the same ternary matrices.
        try (var unpacked = PackedModel.read(bitnetJob.resolve(BitNetRun.PACKED_FILE))) {
            assertThat(QuantizationReport.of(unpacked).distinctValuesMax()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void reloadingTheExportedModelGivesTheSameLossQat() throws Exception {
        DatasetSplits data = QuantizedTraining.data(parameters(ModelPhase.BITNET, common()), FP);
        try (var reloaded = ModelExport.load(bitnetExport())) {
            assertThat(QuantizedTraining.testLoss(reloaded, data.test()))
                    .isCloseTo(bitnetStats.get("loss_qat").asDouble(), within(1e-6));
        }
    }

    @Test
    void forgeTrainingStaysTernaryAndReturnsTheBestEvaluatedWeights() throws Exception {
        var forge = common();
        forge.put("max_steps", 20);
        forge.put("eval_interval", 5);
        forge.put("checkpoint_interval", 10);
        forge.put("patience", 100);
        forge.put("use_grokfast", true);
        var job = dir.resolve("forge-job");
        var messages = new ArrayList<String>();
        int exit = run(new ForgeTrainingRun(), ModelPhase.FORGE_TRAINING, forge, job, bitnetExport(), messages);
        assertThat(exit).as("messages %s", messages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        var stats = Json.mapper().readTree(job.resolve(PhaseClock.STATS_FILE).toFile());
        for (var key : List.of("test_loss_before", "test_loss_after", "test_exact_match_before", "test_exact_match_after",
                "best_step", "stopped_early", "eval_loss_history", "still_ternary", "split_hashes", "input_models")) {
            assertThat(stats.has(key)).as(key).isTrue();
        }
        assertThat(stats.get("still_ternary").asBoolean()).isTrue();
        assertThat(stats.get("stopped_early").asBoolean()).isFalse();
        assertThat(stats.get("stop_reason").asText()).isEqualTo("ran max_steps");
        assertThat(stats.get("skipped_steps").asLong()).isZero();
        var history = new ArrayList<Double>();
        stats.get("eval_loss_history").forEach(v -> history.add(v.asDouble()));
        assertThat(history).hasSize(4);
        int bestIndex = history.indexOf(history.stream().min(Double::compare).orElseThrow());
        assertThat(stats.get("best_step").asLong()).isEqualTo((bestIndex + 1) * 5L);

        var export = job.resolve(ForgeTrainingRun.RUN_DIR).resolve(QuantizedTraining.EXPORT);
        var data = QuantizedTraining.data(parameters(ModelPhase.FORGE_TRAINING, forge), FP);
        try (var returned = ModelExport.load(export)) {
            assertThat(returned.config().quantization()).isEqualTo(Quantization.TERNARY);
            assertThat(QuantizationReport.of(returned).distinctValuesMax()).isLessThanOrEqualTo(3);
            double select = Evaluator.evaluate(returned, "select", data.select(),
                    EvalSettings.defaults(QuantizedTraining.EVAL_BATCH).lossOnly()).loss();
            assertThat(select).as("select loss of the returned model vs the best evaluation %s", history)
                    .isCloseTo(history.get(bestIndex), within(1e-5));
            assertThat(stats.get("test_loss_after").asDouble())
                    .isCloseTo(QuantizedTraining.testLoss(returned, data.test()), within(1e-6));
        }
    }

    @Test
    void forgeStepsWithANaNLossAreSkippedAndBadStepLimitOfThemInARowFailTheRunNamingWhy() throws Exception {
        var forge = common();
        forge.put("max_steps", 20);
        forge.put("eval_interval", 5);
        forge.put("checkpoint_interval", 10);
        forge.put("bad_step_limit", 3);
        // A real NaN: the embedding row of a token every training example reads is made infinite, so every step's
        // loss and gradients are NaN (the rest of BitNet's export is untouched).
        var data = QuantizedTraining.data(parameters(ModelPhase.FORGE_TRAINING, forge), FP);
        int everywhere = java.util.stream.IntStream.range(0, FP.vocabSize())
                .filter(t -> data.train().stream().allMatch(e -> java.util.Arrays.stream(e.tokens(), 0, e.tokens().length - 1)
                        .anyMatch(x -> x == t)))
                .findFirst().orElseThrow();
        var poisoned = dir.resolve("poisoned-ternary");
        try (var model = ModelExport.load(bitnetExport())) {
            model.parameters().get("tok_embeddings.weight").set(new ai.djl.ndarray.index.NDIndex(everywhere),
                    Float.POSITIVE_INFINITY);
            ModelExport.save(model, null, poisoned);
        }
        var job = dir.resolve("forge-nan");
        var messages = new ArrayList<String>();
        assertThatThrownBy(() -> run(new ForgeTrainingRun(), ModelPhase.FORGE_TRAINING, forge, job, poisoned, messages))
                .isInstanceOf(RunFailure.class)
                .hasMessageContaining("3 steps in a row had a NaN or infinite loss or gradient")
                .hasMessageContaining("the last at step 3")
                .hasMessageContaining("before any evaluation");
        // Two steps were skipped and reported before the third ended the run; nothing was exported.
        assertThat(messages).filteredOn(m -> m.contains("\"type\":\"progress\"")).hasSize(3);
        assertThat(job.resolve(ForgeTrainingRun.RUN_DIR).resolve(QuantizedTraining.EXPORT)).doesNotExist();
    }

    @Test
    void onATinyDataSetWithManyStepsTrainingStopsEarlyAndReturnsTheBestNotTheLast() throws Exception {
        var forge = common();
        forge.put("max_train_samples", 8);
        forge.put("max_steps", 400);
        forge.put("learning_rate", 1e-2);
        forge.put("eval_interval", 4);
        forge.put("checkpoint_interval", 400);
        forge.put("patience", 2);
        var job = dir.resolve("forge-early");
        var messages = new ArrayList<String>();
        int exit = run(new ForgeTrainingRun(), ModelPhase.FORGE_TRAINING, forge, job, bitnetExport(), messages);
        assertThat(exit).as("messages %s", messages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        var stats = Json.mapper().readTree(job.resolve(PhaseClock.STATS_FILE).toFile());
        assertThat(stats.get("stopped_early").asBoolean()).as("stats %s", stats).isTrue();
        long last = stats.get("last_step").asLong();
        assertThat(last).isLessThan(400);
        assertThat(stats.get("best_step").asLong()).isEqualTo(last - 2 * 4);
        var history = stats.get("eval_loss_history");
        double lastEval = history.get(history.size() - 1).asDouble();
        double returned = stats.get("select_loss_returned").asDouble();
        assertThat(returned).isCloseTo(stats.get("best_eval_loss").asDouble(), within(1e-5)).isLessThan(lastEval);
        assertThat(stats.get("still_ternary").asBoolean()).isTrue();
    }
}
