package io.agentforge.training.worker;

import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.quantization.QuantizationReport;

import java.util.List;
import java.util.Map;

/**
 * The Forge Training phase (PHASES.md section 4): continued training of BitNet's ternary model on the task data. A
 * ternary input trains as BitNet latent weights at full strength, so every forward pass stays ternary and the export
 * is ternary again ({@code still_ternary}); a full-precision input (BitNet skipped) trains at full precision.
 * GrokFast filters the gradients when enabled; the select loss is evaluated every {@code eval_interval} steps, training
 * stops after {@code patience} evaluations without an improvement of more than {@code min_delta}, and the model
 * returned holds the best evaluation's weights, not the last step's. The NaN guard skips a step whose loss or
 * gradient is NaN or infinite (no update; counted as {@code skipped_steps}); {@code bad_step_limit} such steps in a
 * row end the run with the best weights so far ({@code stop_reason} says so), or fail it when there was no
 * evaluation yet.
 */
public final class ForgeTrainingRun implements PhaseRunner {
    static final String RUN_DIR = "forge";
    static final String ARTIFACT = "forge-trained";

    @Override
    public int run(PhaseContext context) throws Exception {
        var training = QuantizedTraining.of(context, "forge-training");
        var data = QuantizedTraining.data(training.parameters(), training.inputConfig());
        var builder = training.run(training.continuedConfig(), data, training.own("weight_decay"))
                .quantizationRampSteps(0)
                .earlyStoppingPatience((int) training.own("patience"))
                .earlyStoppingMinDelta(training.own("min_delta"))
                .badStepLimit((int) training.own("bad_step_limit"))
                .restoreBest(true);
        var export = training.trained(RUN_DIR, "forge training", builder, training.bestWeights(OUTCOME_FILE,
                (saved, run) -> Map.of("select_loss_returned", QuantizedTraining.selectLoss(saved, run))));
        if (export == null) {
            return WorkerMain.EXIT_STOPPED;
        }

        var outcome = QuantizedTraining.Outcome.read(export, OUTCOME_FILE);
        var stats = training.stats(data.hashes());
        try (var before = ModelExport.load(training.input().directory()); var after = ModelExport.load(export)) {
            var testBefore = QuantizedTraining.testWithAnswers(before, data.test());
            var testAfter = QuantizedTraining.testWithAnswers(after, data.test());
            QuantizedTraining.putIfMeasured(stats, "test_loss_before", testBefore.loss());
            QuantizedTraining.putIfMeasured(stats, "test_loss_after", testAfter.loss());
            QuantizedTraining.putIfMeasured(stats, "test_exact_match_before", testBefore.exactMatch());
            QuantizedTraining.putIfMeasured(stats, "test_exact_match_after", testAfter.exactMatch());
            stats.put("test_exact_match_examples", testAfter.examples());
            training.putTernary(stats, after);
            if (training.inputTernary()) {
                stats.put("distinct_values_max", QuantizationReport.of(after).distinctValuesMax());
            }
        }
        QuantizedTraining.putSteps(stats, outcome, export);
        stats.put("stopped_early", !"completed".equals(outcome.ending()));
        stats.put("outcome", outcome.ending());
        stats.put("stop_reason", switch (outcome.ending()) {
            case "completed" -> "ran max_steps";
            case "early_stopped" -> "patience evaluations in a row without a select loss lower than the best by more "
                    + "than min_delta";
            default -> outcome.file().path("stop_reason").asText(outcome.ending());
        });
        stats.put("skipped_steps", outcome.file().path("skipped_steps").asLong(0));
        QuantizedTraining.putIfMeasured(stats, "best_eval_loss", ModelExport.readStats(export).bestEvalLoss());
        QuantizedTraining.putIfMeasured(stats, "select_loss_returned", outcome.file().get("select_loss_returned").asDouble());
        var winner = new QuantizedTraining.Winner(ARTIFACT, "the one output: the weights of the best select evaluation",
                Map.of("quantization", training.outputQuantization()));
        return training.complete(stats, export, winner, outcome.lastStep(), List.of("test_loss_after",
                "test_exact_match_after", "test_loss_before", "test_exact_match_before"));
    }

    /** Beside the export: how the run ended, its best and last steps, the returned model's select loss. */
    static final String OUTCOME_FILE = "forge_outcome.json";
}
