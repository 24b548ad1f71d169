package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.engine.checkpoint.Checkpoint;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.evaluation.EvalResult;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.OptimizerSettings;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The skeleton of the phases that fine-tune one model through BitLinear (BitNet, Forge Training, Tool/Persona): the
 * phase's one input model, the task data at its context length, the engine run they start from, one checkpointed run
 * whose result is exported atomically (which Cognate's {@link EngineTrainer} runs too), an exporter that keeps the best
 * evaluated weights, the test and select measurements of the one evaluation harness, and the stats, artifact and
 * completion that end the phase. A runner holds one instance ({@link #of}) and keeps only what is its own: its data,
 * what it adds to the run, and what it measures.
 */
final class QuantizedTraining {
    static final String EXPORT = CognateRun.EXPORT;
    /** Examples per forward pass of every evaluation of these phases. */
    static final int EVAL_BATCH = 64;

    private final PhaseContext context;
    private final String phase;
    private final PhaseClock clock;
    private final InputModel input;
    private final TransformerConfig inputConfig;

    private QuantizedTraining(PhaseContext context, String phase, PhaseClock clock, InputModel input,
                              TransformerConfig inputConfig) {
        this.context = context;
        this.phase = phase;
        this.clock = clock;
        this.input = input;
        this.inputConfig = inputConfig;
    }

    /** Starts the phase's clock and reads the one model it continues. */
    static QuantizedTraining of(PhaseContext context, String phase) throws IOException {
        var clock = PhaseClock.start(context.spec().jobDir());
        var input = input(context.inputs(), phase);
        return new QuantizedTraining(context, phase, clock, input, ModelExport.readConfig(input.directory()));
    }

    PhaseParameters parameters() {
        return context.spec().parameters();
    }

    InputModel input() {
        return input;
    }

    TransformerConfig inputConfig() {
        return inputConfig;
    }

    boolean inputTernary() {
        return inputConfig.quantization() != Quantization.NONE;
    }

    /**
     * The config a continued run trains with: a ternary input as BitNet latent weights (at full strength unless the
     * run ramps), so that every forward pass stays ternary; a full-precision one as it is.
     */
    TransformerConfig continuedConfig() {
        return inputTernary() ? inputConfig.withQuantization(Quantization.BITNET) : inputConfig;
    }

    /** One of the phase's own parameters ({@link io.agentforge.training.parameters.OwnParameter}) as a number. */
    double own(String name) {
        return ((Number) parameters().own().get(name)).doubleValue();
    }

    /**
     * The engine run these phases start from: the task data without test, AdamW with {@code weightDecay}, GrokFast as
     * asked, a warm-up of a tenth of the steps (at most 100), the select evaluation every {@code eval_interval} steps.
     */
    TrainingRun.Builder run(TransformerConfig runConfig, DatasetSplits data, double weightDecay) {
        return baseRun(phase, runConfig, data, parameters(), weightDecay);
    }

    /** {@link #run} for a phase that is not one fine-tune of its input (Quiet-STaR's Stage A). */
    static TrainingRun.Builder baseRun(String modelName, TransformerConfig runConfig, DatasetSplits data,
                                       PhaseParameters parameters, double weightDecay) {
        int steps = parameters.maxSteps();
        return TrainingRun.builder(runConfig, forTraining(data))
                .modelName(modelName)
                .optimizer(adamW(parameters.learningRate(), weightDecay))
                .grokFast(grokFast(parameters))
                .maxSteps(steps)
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10))
                .evalInterval(parameters.evalInterval())
                .evalBatchSize(EVAL_BATCH)
                .seed(parameters.seed());
    }

    /**
     * Trains (or continues) the run into {@code jobDir/runDir/export}, unless an earlier worker of the job finished
     * it, with progress under {@code label}.
     *
     * @return the export, or null when the run stopped on request (the Stopped message is sent)
     */
    Path trained(String runDir, String label, TrainingRun.Builder builder, Exporter exporter) throws Exception {
        var parameters = parameters();
        var dir = context.spec().jobDir().resolve(runDir);
        var export = dir.resolve(EXPORT);
        var progress = new SingleRunProgress(context.channel(), parameters.maxSteps(), label);
        if (!Files.isDirectory(export)) {
            var outcome = train(builder, input.directory(), dir, parameters, progress, context.stop(), exporter);
            if (outcome == null) {
                context.channel().send(new WorkerMessage.Stopped(progress.lastStep()));
                return null;
            }
        }
        progress.announce(parameters.maxSteps());
        return export;
    }

    /**
     * The exporter of a run that returns its best evaluated weights (ternarized again when the input was ternary),
     * with {@code outcomeFile} beside them: how the run ended, its best and last steps, and what {@code extra}
     * measures on the saved model. A divergence before any evaluation leaves no weights worth returning: it fails.
     */
    Exporter bestWeights(String outcomeFile, OutcomeExtra extra) {
        boolean ternary = inputTernary();
        return (model, result, run, dir) -> {
            if (result.outcome() == TrainingResult.Outcome.DIVERGED && result.bestStep() == 0) {
                throw new RunFailure(phase + ": " + divergence(result, run) + " before any evaluation, so there are no "
                        + "weights to return; lower learning_rate or grokfast_lambda");
            }
            try (var output = ternary ? Ternarization.ternarize(model) : null) {
                var saved = output == null ? model : output;
                ModelExport.save(saved, result.stats(), dir);
                var outcome = new LinkedHashMap<String, Object>();
                outcome.put("outcome", result.outcome().name().toLowerCase());
                outcome.put("best_step", result.bestStep());
                outcome.put("last_step", result.stats().totalSteps());
                outcome.put("skipped_steps", result.skippedSteps());
                if (result.outcome() == TrainingResult.Outcome.DIVERGED) {
                    outcome.put("stop_reason", divergence(result, run) + "; the weights of the best evaluation (step "
                            + result.bestStep() + ") are returned");
                }
                outcome.putAll(extra.measure(saved, run));
                Files.writeString(dir.resolve(outcomeFile), Json.write(outcome));
            }
        };
    }

    /** Why a run ended as diverged, in words: the NaN guard's limit and the step that reached it. */
    static String divergence(TrainingResult result, TrainingRun run) {
        return run.badStepLimit() == 1
                ? "the loss or gradient was NaN or infinite at step " + result.stats().totalSteps()
                : run.badStepLimit() + " steps in a row had a NaN or infinite loss or gradient (each skipped without an "
                + "update), the last at step " + result.stats().totalSteps();
    }

    /** What a phase records beside its best weights, measured on the model as saved. */
    @FunctionalInterface
    interface OutcomeExtra {
        OutcomeExtra NONE = (model, run) -> Map.of();

        Map<String, Object> measure(LanguageModel saved, TrainingRun run) throws Exception;
    }

    /** The outcome file {@link #bestWeights} wrote (older ones lack {@code outcome}: read as completed). */
    record Outcome(String ending, long bestStep, long lastStep, JsonNode file) {
        static Outcome read(Path export, String outcomeFile) throws IOException {
            var file = Json.mapper().readTree(export.resolve(outcomeFile).toFile());
            var ending = file.has("outcome") ? file.get("outcome").asText() : "completed";
            return new Outcome(ending, file.get("best_step").asLong(), file.get("last_step").asLong(), file);
        }
    }

    /** The stats every phase starts with: the phase, its input, the splits' hashes and the effective parameters. */
    LinkedHashMap<String, Object> stats(Map<String, String> splitHashes) {
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", phase);
        stats.put("input_models", List.of(inputModels(input)));
        stats.put("split_hashes", splitHashes);
        stats.put("parameters", parameters().asMap());
        return stats;
    }

    /** Whether the input was ternary and the returned model still is (at most three values per quantized matrix). */
    void putTernary(Map<String, Object> stats, LanguageModel returned) {
        stats.put("input_ternary", inputTernary());
        stats.put("still_ternary", QuantizationReport.of(returned).ternary()
                && returned.config().quantization() != Quantization.NONE);
    }

    /** The best and last steps and the select losses the run evaluated, from its outcome and training stats. */
    static void putSteps(Map<String, Object> stats, Outcome outcome, Path export) throws IOException {
        stats.put("best_step", outcome.bestStep());
        stats.put("last_step", outcome.lastStep());
        stats.put("eval_loss_history", ModelExport.readStats(export).evalLossHistory());
    }

    /** What the phase hands on: its artifact, the rule that made it the winner, and its parameters beside the job's. */
    record Winner(String artifact, String rule, Map<String, Object> parameters) {
    }

    /**
     * Ends the phase: the winner's rule and the wall time into the stats, which are written; the export as the
     * winning artifact, with the training stats and the {@code metricKeys} of the stats as its metrics.
     *
     * @return {@link WorkerMain#EXIT_COMPLETED}
     */
    int complete(Map<String, Object> stats, Path export, Winner winner, long lastStep, List<String> metricKeys)
            throws IOException {
        stats.put("winner_artifact", winner.artifact());
        stats.put("winner_rule", winner.rule());
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(context.spec().jobDir(), stats);

        var metrics = new LinkedHashMap<>(CognateRun.numericStats(export));
        for (var key : metricKeys) {
            if (stats.get(key) instanceof Double value) {
                metrics.put(key, value);
            }
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        var artifactParameters = new LinkedHashMap<String, Object>(parameters().asMap());
        artifactParameters.putAll(winner.parameters());
        artifactParameters.put("input_model_id", input.modelId());
        if (metrics.get("parameter_count") != null) {
            artifactParameters.put("parameter_count", metrics.get("parameter_count").longValue());
        }
        var artifact = new WorkerMessage.Artifact(winner.artifact(), "model", export, null, artifactParameters, metrics);
        context.channel().send(new WorkerMessage.Completed((int) lastStep, List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    /** The quantization an export of the continued run has: ternary when the input was, else none. */
    String outputQuantization() {
        return inputTernary() ? "ternary" : "none";
    }

    /**
     * The model this phase continues: the previous phase's winner, or the one model handed over.
     *
     * @throws RunFailure when there is none or the choice is ambiguous
     */
    static InputModel input(List<InputModel> inputs, String phase) {
        var winners = inputs.stream().filter(i -> "winner".equals(i.role())).toList();
        if (winners.size() == 1) {
            return winners.getFirst();
        }
        if (winners.isEmpty() && inputs.size() == 1) {
            return inputs.getFirst();
        }
        throw new RunFailure(phase + " continues one model, the previous phase's winner; it was handed "
                + inputs.size() + " models of which " + winners.size() + " winners");
    }

    /** The task data (the {@code dataset} parameter), split by the job's seed, at the input model's context length. */
    static DatasetSplits data(PhaseParameters parameters, TransformerConfig config) {
        var splits = DatasetSource.parse(parameters.dataset(), config.contextLength()).withMix(Curriculum.Mix.BALANCED)
                .load(new ByteTokenizer(), config.contextLength(), new SplitSettings(0.8, 0.1,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), parameters.seed()));
        for (var split : List.of(splits.train(), splits.select(), splits.test())) {
            if (split.isEmpty()) {
                throw new RunFailure("dataset " + parameters.dataset() + " leaves a split empty at context "
                        + config.contextLength() + "; raise max_train_samples or max_eval_samples");
            }
        }
        return splits;
    }

    /**
     * The splits an engine run gets: without test, which the runner measures itself on the exported model (the
     * engine would otherwise generate every test answer once more with the training model).
     */
    static DatasetSplits forTraining(DatasetSplits splits) {
        return new DatasetSplits(splits.train(), splits.select(), List.of(), splits.leftOut());
    }

    static GrokFastSettings grokFast(PhaseParameters parameters) {
        return parameters.useGrokfast()
                ? new GrokFastSettings.Ema(parameters.grokfastAlpha(), parameters.grokfastLambda(), 0)
                : new GrokFastSettings.Off();
    }

    static OptimizerSettings adamW(double learningRate, double weightDecay) {
        var defaults = OptimizerSettings.adamW(learningRate);
        return new OptimizerSettings(defaults.decay(), learningRate, defaults.beta1(), defaults.beta2(),
                defaults.epsilon(), weightDecay);
    }

    /** The mean test loss over the harness's token budget (no generation). */
    static double testLoss(LanguageModel model, List<Example> test) {
        return Evaluator.evaluate(model, "test", test, EvalSettings.defaults(EVAL_BATCH).lossOnly()).loss();
    }

    /** Test loss and greedy-generated exact match. */
    static EvalResult testWithAnswers(LanguageModel model, List<Example> test) {
        return Evaluator.evaluate(model, "test", test, EvalSettings.defaults(EVAL_BATCH));
    }

    /** The select loss as the run measured it at each evaluation. */
    static double selectLoss(LanguageModel model, TrainingRun run) {
        return Evaluator.evaluate(model, "select", run.data().select(), run.selectEvalSettings()).loss();
    }

    /**
     * Runs (or continues from {@code runDir}'s checkpoint) one engine run and hands the result to {@code export} while
     * the model is open, writing into a temporary directory renamed to {@code runDir/export} when complete.
     *
     * @param builder the run without its checkpoint settings, initial state or resume point
     * @return the run's outcome, or null when it stopped on request (after a checkpoint)
     */
    static TrainingResult.Outcome train(TrainingRun.Builder builder, Path initialState, Path runDir,
                                        PhaseParameters parameters, ModelTrainer.StepListener listener,
                                        BooleanSupplier stop, Exporter export) throws Exception {
        var checkpointDir = runDir.resolve("checkpoint");
        Files.createDirectories(checkpointDir);
        var checkpoint = checkpointDir.resolve(Trainer.CHECKPOINT_FILE);
        boolean resuming = Checkpoint.exists(checkpoint);
        var run = builder
                .checkpointDir(checkpointDir)
                .checkpointInterval(parameters.checkpointInterval())
                .resumeFrom(resuming ? checkpoint : null)
                .initialState(resuming ? null : initialState)
                .build();
        var engineStop = new StopSignal();
        if (stop.getAsBoolean()) {
            engineStop.request();
        }
        var relay = new EngineTrainer.Relay(listener, stop, engineStop, parameters.checkpointInterval());
        TrainingResult result = new Trainer().run(run, relay, engineStop);
        try (var model = result.model()) {
            relay.finalCheckpoint(result);
            if (result.outcome() == TrainingResult.Outcome.STOPPED) {
                return null;
            }
            var target = runDir.resolve(EXPORT);
            var temporary = runDir.resolve(EXPORT + ".tmp");
            CognateRun.deleteRecursively(temporary);
            export.write(model, result, run, temporary);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return result.outcome();
        }
    }

    /** Writes the run's output model into a directory (with {@link ModelExport#save}). */
    @FunctionalInterface
    interface Exporter {
        void write(LanguageModel model, TrainingResult result, TrainingRun run, Path dir) throws Exception;
    }

    static void putIfMeasured(Map<String, Object> stats, String key, double value) {
        if (Double.isFinite(value)) {
            stats.put(key, value);
        }
    }

    static Map<String, Object> inputModels(InputModel input) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("model_id", input.modelId());
        entry.put("checksum", input.checksum());
        return entry;
    }

}
