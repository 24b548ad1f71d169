package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.training.TrainingResult;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The Forge Training phase (PHASES.md section 4): continued training of BitNet's ternary model on the task data. A
 * ternary input trains as BitNet latent weights at full strength, so every forward pass stays ternary and the export
 * is ternary again ({@code still_ternary}); a full-precision input (BitNet skipped) trains at full precision.
 * GrokFast filters the gradients when enabled; the select loss is evaluated every {@code eval_interval} steps, training
 * stops after {@code patience} evaluations without an improvement of more than {@code min_delta}, and the model
 * returned holds the best evaluation's weights, not the last step's. A NaN or infinite loss ends the run with the best
 * weights so far, or fails it when there are none.
 */
public final class ForgeTrainingRun implements PhaseRunner {
    static final String RUN_DIR = "forge";
    static final String ARTIFACT = "forge-trained";

    @Override
    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var clock = PhaseClock.start(spec.jobDir());
        var input = QuantizedTraining.input(context.inputs(), "forge-training");
        var inputConfig = ModelExport.readConfig(input.directory());
        boolean ternary = inputConfig.quantization() != Quantization.NONE;
        var runConfig = ternary ? inputConfig.withQuantization(Quantization.BITNET) : inputConfig;
        var data = QuantizedTraining.data(parameters, inputConfig);
        int steps = parameters.maxSteps();
        var builder = QuantizedTraining.baseRun("forge-training", runConfig, data, parameters)
                .quantizationRampSteps(0)
                .earlyStoppingPatience((int) BitNetRun.own(parameters, "patience"))
                .earlyStoppingMinDelta(BitNetRun.own(parameters, "min_delta"))
                .restoreBest(true)
                .seed(parameters.seed());
        var runDir = spec.jobDir().resolve(RUN_DIR);
        var export = runDir.resolve(QuantizedTraining.EXPORT);
        var progress = new QuantizedTraining.SingleRun(context.channel(), steps, "forge training");
        if (!Files.isDirectory(export)) {
            var outcome = QuantizedTraining.train(builder, input.directory(), runDir, parameters, progress,
                    context.stop(), (model, result, run, dir) -> {
                        if (result.outcome() == TrainingResult.Outcome.DIVERGED && result.bestStep() == 0) {
                            throw new RunFailure("forge-training: the loss diverged (NaN or infinite) at step "
                                    + result.stats().totalSteps() + " before any evaluation; lower learning_rate or "
                                    + "grokfast_lambda");
                        }
                        try (var output = ternary ? Ternarization.ternarize(model) : null) {
                            var saved = output == null ? model : output;
                            ModelExport.save(saved, result.stats(), dir);
                            var outcomeFile = new LinkedHashMap<String, Object>();
                            outcomeFile.put("outcome", result.outcome().name().toLowerCase());
                            outcomeFile.put("best_step", result.bestStep());
                            outcomeFile.put("last_step", result.stats().totalSteps());
                            outcomeFile.put("select_loss_returned", QuantizedTraining.selectLoss(saved, run));
                            Files.writeString(dir.resolve(OUTCOME_FILE), Json.write(outcomeFile));
                        }
                    });
            if (outcome == null) {
                context.channel().send(new WorkerMessage.Stopped(progress.lastStep()));
                return WorkerMain.EXIT_STOPPED;
            }
        }
        progress.announce(steps);

        var outcome = Json.mapper().readTree(export.resolve(OUTCOME_FILE).toFile());
        var trained = ModelExport.readStats(export);
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "forge-training");
        stats.put("input_models", List.of(QuantizedTraining.inputModels(input)));
        stats.put("split_hashes", data.hashes());
        stats.put("parameters", parameters.asMap());
        try (var before = ModelExport.load(input.directory()); var after = ModelExport.load(export)) {
            var testBefore = QuantizedTraining.testWithAnswers(before, data.test());
            var testAfter = QuantizedTraining.testWithAnswers(after, data.test());
            QuantizedTraining.putIfMeasured(stats, "test_loss_before", testBefore.loss());
            QuantizedTraining.putIfMeasured(stats, "test_loss_after", testAfter.loss());
            QuantizedTraining.putIfMeasured(stats, "test_exact_match_before", testBefore.exactMatch());
            QuantizedTraining.putIfMeasured(stats, "test_exact_match_after", testAfter.exactMatch());
            stats.put("test_exact_match_examples", testAfter.examples());
            stats.put("input_ternary", ternary);
            stats.put("still_ternary", QuantizationReport.of(after).ternary() && after.config().quantization() != Quantization.NONE);
            if (ternary) {
                stats.put("distinct_values_max", QuantizationReport.of(after).distinctValuesMax());
            }
        }
        long bestStep = outcome.get("best_step").asLong();
        long lastStep = outcome.get("last_step").asLong();
        String ending = outcome.get("outcome").asText();
        stats.put("best_step", bestStep);
        stats.put("last_step", lastStep);
        stats.put("stopped_early", !"completed".equals(ending));
        stats.put("outcome", ending);
        stats.put("eval_loss_history", trained.evalLossHistory());
        QuantizedTraining.putIfMeasured(stats, "best_eval_loss", trained.bestEvalLoss());
        QuantizedTraining.putIfMeasured(stats, "select_loss_returned", outcome.get("select_loss_returned").asDouble());
        stats.put("winner_artifact", ARTIFACT);
        stats.put("winner_rule", "the one output: the weights of the best select evaluation");
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var metrics = new LinkedHashMap<>(CognateRun.numericStats(export));
        for (var key : List.of("test_loss_after", "test_exact_match_after", "test_loss_before", "test_exact_match_before")) {
            if (stats.get(key) instanceof Double value) {
                metrics.put(key, value);
            }
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        var artifactParameters = new LinkedHashMap<String, Object>(parameters.asMap());
        artifactParameters.put("quantization", ternary ? "ternary" : "none");
        artifactParameters.put("input_model_id", input.modelId());
        if (metrics.get("parameter_count") != null) {
            artifactParameters.put("parameter_count", metrics.get("parameter_count").longValue());
        }
        var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", export, null, artifactParameters, metrics);
        context.channel().send(new WorkerMessage.Completed((int) lastStep, List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    /** Beside the export: how the run ended, its best and last steps, the returned model's select loss. */
    static final String OUTCOME_FILE = "forge_outcome.json";
}
