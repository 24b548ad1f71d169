package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.data.ThoughtTasks;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quietstar.ThoughtAccuracy;
import io.agentforge.engine.quietstar.ThoughtAccuracy.Condition;
import io.agentforge.engine.quietstar.ThoughtProblem;
import io.agentforge.engine.quietstar.ThoughtReinforce;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.AdamOptimizer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.OptimizerSettings;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Quiet-STaR phase (PHASES.md section 2), at answer level, on the previous phase's full-precision winner:
 * <ol>
 *   <li>Stage A, supervised scratchpads: fine-tuning on {@code question <sot> steps <eot> answer <eos>} with the
 *       loss on the steps and the answer ({@code max_steps} steps, checkpointed like every engine run). The steps are
 *       the task generator's templates, so this stage is named what it is, not "self-taught".</li>
 *   <li>Stage B, REINFORCE ({@code reinforce_steps}): per question K sampled thoughts, each rewarded by how much it
 *       raises log p(answer) against the others ({@link ThoughtReinforce}); the mean raw reward of each step is its
 *       progress. A stop (and every {@code checkpoint_interval} steps) saves the model, Adam's moments and step
 *       count, the step reached and the reward history, so that a resumed job goes on as one that ran through.</li>
 * </ol>
 * Then the output model is measured on {@code test} with its thoughts, without them (same weights, {@code <sot><eot>}
 * fed), and with its thoughts scrambled, and the input model with thoughts; the output stays full precision and goes
 * to BitNet.
 */
public final class QuietStarRun implements PhaseRunner {
    static final String STAGE_A = "stage-a";
    static final String STAGE_B = "stage-b";
    static final String PARTIAL = "partial";
    static final String STATE_FILE = "stage_b_state.json";
    /** Stage B's Adam moments beside its partial model (a partial saved before they were kept has none). */
    static final String OPTIMIZER_FILE = "adam.safetensors";
    static final String TEST_RESULTS = "test_results.jsonl";
    static final String ARTIFACT = "quietstar-thinker";
    static final int EVAL_BATCH = 64;

    @Override
    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var clock = PhaseClock.start(spec.jobDir());
        var input = QuantizedTraining.input(context.inputs(), "quietstar");
        var config = ModelExport.readConfig(input.directory());
        if (config.quantization() != Quantization.NONE) {
            throw new RunFailure("quietstar trains a full-precision model (BitNet comes after it); input model "
                    + input.modelId() + " is " + config.quantization().name().toLowerCase());
        }
        var data = data(parameters, config);
        int stageASteps = parameters.maxSteps();
        int stageBSteps = integer(parameters, "reinforce_steps");
        int total = stageASteps + stageBSteps;

        var stageA = spec.jobDir().resolve(STAGE_A);
        var stageAExport = stageA.resolve(QuantizedTraining.EXPORT);
        var progress = new SingleRunProgress(context.channel(), total, "quietstar stage A (supervised scratchpads)");
        if (!Files.isDirectory(stageAExport)) {
            // AdamW with the engine's default decay, as Cognate trains.
            var builder = QuantizedTraining.baseRun("quietstar-stage-a", config, data, parameters,
                    OptimizerSettings.adamW(parameters.learningRate()).weightDecay());
            var outcome = QuantizedTraining.train(builder, input.directory(), stageA, parameters, progress,
                    context.stop(), (model, result, run, dir) -> {
                        if (result.outcome() == TrainingResult.Outcome.DIVERGED) {
                            throw new RunFailure("quietstar stage A: the loss diverged (NaN or infinite) at step "
                                    + result.stats().totalSteps() + "; lower learning_rate");
                        }
                        ModelExport.save(model, result.stats(), dir);
                    });
            if (outcome == null) {
                context.channel().send(new WorkerMessage.Stopped(progress.lastStep()));
                return WorkerMain.EXIT_STOPPED;
            }
        }
        progress.announce(stageASteps);

        var stageB = spec.jobDir().resolve(STAGE_B);
        var output = stageBSteps == 0 ? stageAExport : stageB.resolve(QuantizedTraining.EXPORT);
        if (!Files.isDirectory(output)) {
            var done = reinforce(context, data, stageAExport, stageB, stageASteps, total);
            if (!done) {
                return WorkerMain.EXIT_STOPPED;
            }
        }

        var stats = stats(spec, input, data, stageAExport, output);
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var metrics = new LinkedHashMap<String, Double>(CognateRun.numericStats(stageAExport));
        for (var key : List.of("accuracy_with_thoughts", "accuracy_without_thoughts", "accuracy_scrambled_thoughts",
                "accuracy_input_model", "delta_thought", "delta_content")) {
            if (stats.get(key) instanceof Double value) {
                metrics.put(key, value);
            }
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        var artifactParameters = new LinkedHashMap<String, Object>(parameters.asMap());
        artifactParameters.put("quantization", "none");
        artifactParameters.put("input_model_id", input.modelId());
        try (var model = ModelExport.load(output)) {
            artifactParameters.put("parameter_count", model.parameterCount());
        }
        var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", output, null, artifactParameters, metrics);
        context.channel().send(new WorkerMessage.Completed(total, List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    /** The thought tasks at the input model's context length, split as Cognate's sums are. */
    static DatasetSplits data(PhaseParameters parameters, TransformerConfig config) {
        var splits = ThoughtTasks.load(new ByteTokenizer(), config.contextLength(), new SplitSettings(0.8, 0.1,
                parameters.maxTrainSamples(), parameters.maxEvalSamples(), parameters.seed()));
        if (splits.select().isEmpty() || splits.test().isEmpty()) {
            throw new RunFailure("quietstar: the thought tasks leave select or test empty at context "
                    + config.contextLength() + "; raise max_eval_samples");
        }
        return splits;
    }

    /**
     * Stage B from Stage A's model (or from its own partial save), to {@code stageB/export}.
     *
     * @return false when it stopped on request, after saving the model and the step reached
     */
    private static boolean reinforce(PhaseContext context, DatasetSplits data, Path stageAExport, Path stageB,
                                     int offset, int total) throws Exception {
        var parameters = context.spec().parameters();
        int steps = integer(parameters, "reinforce_steps");
        int batch = integer(parameters, "reinforce_batch");
        var settings = new ThoughtReinforce.Settings(integer(parameters, "thoughts_per_question"),
                integer(parameters, "max_thought_tokens"), 1.0, decimal(parameters, "reward_clip"), 1.0);
        double learningRate = decimal(parameters, "reinforce_learning_rate");
        var questions = data.train().stream().map(ThoughtProblem::of).toList();
        Files.createDirectories(stageB);
        var partial = stageB.resolve(PARTIAL);
        var stateFile = stageB.resolve(STATE_FILE);
        int done = 0;
        long optimizerSteps = 0;
        var history = new ArrayList<Map<String, Object>>();
        boolean resuming = Files.isDirectory(partial) && Files.isRegularFile(stateFile);
        if (resuming) {
            var state = Json.mapper().readTree(stateFile.toFile());
            done = state.get("step").asInt();
            optimizerSteps = state.path("optimizer_steps").asLong(0);
            state.get("reward_history").forEach(entry -> history.add(Json.mapper().convertValue(entry, Map.class)));
        }
        try (var model = ModelExport.load(resuming ? partial : stageAExport);
             var optimizer = new AdamOptimizer(QuantizedTraining.adamW(learningRate, 0))) {
            if (resuming && Files.isRegularFile(partial.resolve(OPTIMIZER_FILE))) {
                optimizer.restore(partial.resolve(OPTIMIZER_FILE), optimizerSteps);
            }
            var reinforce = new ThoughtReinforce(model, optimizer, settings);
            for (int step = done + 1; step <= steps; step++) {
                if (context.stop().getAsBoolean()) {
                    save(model, optimizer, step - 1, history, stageB);
                    context.channel().send(new WorkerMessage.Checkpointed(offset + step - 1));
                    context.channel().send(new WorkerMessage.Stopped(offset + step - 1));
                    return false;
                }
                // Each step's questions and samples follow from the seed and the step, so a resumed run draws the same.
                long seed = parameters.seed() * 1_000_003L + step;
                var random = new Random(seed);
                var chosen = new ArrayList<ThoughtProblem>(batch);
                for (int i = 0; i < batch; i++) {
                    chosen.add(questions.get(random.nextInt(questions.size())));
                }
                var result = reinforce.step(chosen, learningRate, seed);
                if (!Double.isFinite(result.loss())) {
                    throw new RunFailure("quietstar stage B: the loss is not finite at step " + step
                            + "; lower reinforce_learning_rate or reward_clip");
                }
                var entry = new LinkedHashMap<String, Object>();
                entry.put("step", step);
                entry.put("mean_reward", result.meanAnswerLogProb());
                entry.put("mean_abs_advantage", result.meanAbsAdvantage());
                entry.put("capped_share", result.cappedShare());
                history.add(entry);
                var metrics = new LinkedHashMap<>(result.metrics());
                context.channel().send(new WorkerMessage.Progress(offset + step, total,
                        "quietstar stage B (REINFORCE on sampled thoughts): step " + step, metrics));
                if (step % parameters.checkpointInterval() == 0 && step < steps) {
                    save(model, optimizer, step, history, stageB);
                    context.channel().send(new WorkerMessage.Checkpointed(offset + step));
                }
            }
            var temporary = stageB.resolve(QuantizedTraining.EXPORT + ".tmp");
            CognateRun.deleteRecursively(temporary);
            ModelExport.save(model, null, temporary);
            Files.writeString(temporary.resolve(STATE_FILE), Json.write(Map.of("step", steps, "reward_history", history)));
            Files.move(temporary, stageB.resolve(QuantizedTraining.EXPORT), StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    /**
     * Stage B's model, Adam's moments and the steps done, replaced together (the state file names the step of the model
     * beside it).
     */
    private static void save(LanguageModel model, AdamOptimizer optimizer, int step, List<Map<String, Object>> history,
                             Path stageB) throws Exception {
        var temporary = stageB.resolve(PARTIAL + ".tmp");
        CognateRun.deleteRecursively(temporary);
        ModelExport.save(model, null, temporary);
        if (optimizer.steps() > 0) {
            optimizer.write(temporary.resolve(OPTIMIZER_FILE));
        }
        Files.writeString(temporary.resolve(STATE_FILE), Json.write(Map.of("step", step,
                "optimizer_steps", optimizer.steps(), "reward_history", history)));
        var partial = stageB.resolve(PARTIAL);
        CognateRun.deleteRecursively(stageB.resolve(STATE_FILE));
        CognateRun.deleteRecursively(partial);
        Files.move(temporary, partial, StandardCopyOption.ATOMIC_MOVE);
        Files.copy(partial.resolve(STATE_FILE), stageB.resolve(STATE_FILE));
    }

    private static LinkedHashMap<String, Object> stats(WorkerSpec spec, InputModel input, DatasetSplits data,
                                                       Path stageAExport, Path output) throws Exception {
        var parameters = spec.parameters();
        int cap = integer(parameters, "max_thought_tokens");
        var test = data.test().stream().map(ThoughtProblem::of).toList();
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "quietstar");
        stats.put("input_models", List.of(QuantizedTraining.inputModels(input)));
        stats.put("split_hashes", data.hashes());
        stats.put("parameters", parameters.asMap());
        stats.put("task_data", ThoughtTasks.NAME);
        stats.put("test_examples", test.size());
        ThoughtAccuracy.Result result;
        try (var model = ModelExport.load(output)) {
            result = ThoughtAccuracy.measure(model, test, cap, EVAL_BATCH, parameters.seed());
        }
        double with = result.of(Condition.WITH_THOUGHTS);
        double without = result.of(Condition.WITHOUT_THOUGHTS);
        double scrambled = result.of(Condition.SCRAMBLED_THOUGHTS);
        stats.put("accuracy_with_thoughts", with);
        stats.put("accuracy_without_thoughts", without);
        stats.put("accuracy_scrambled_thoughts", scrambled);
        try (var model = ModelExport.load(input.directory())) {
            stats.put("accuracy_input_model", ThoughtAccuracy.measure(model, test, List.of(Condition.WITH_THOUGHTS),
                    cap, EVAL_BATCH, parameters.seed()).of(Condition.WITH_THOUGHTS));
        }
        if (!output.equals(stageAExport)) {
            try (var model = ModelExport.load(stageAExport)) {
                stats.put("accuracy_stage_a_with_thoughts", ThoughtAccuracy.measure(model, test,
                        List.of(Condition.WITH_THOUGHTS), cap, EVAL_BATCH, parameters.seed()).of(Condition.WITH_THOUGHTS));
            }
        }
        stats.put("delta_thought", with - without);
        stats.put("delta_content", with - scrambled);
        stats.put("thought_tokens_mean", result.thoughtTokensMean());
        stats.put("thought_capped_share", result.cappedShare());
        var history = new ArrayList<Object>();
        var stateFile = output.resolve(STATE_FILE);
        if (Files.isRegularFile(stateFile)) {
            Json.mapper().readTree(stateFile.toFile()).get("reward_history").forEach(history::add);
        }
        stats.put("reward_history", history);
        stats.put("reward", "mean over a step's sampled thoughts of log p(answer | question, thought); "
                + "the REINFORCE weights r_k subtract each question's mean, so they average to 0");
        stats.put("stage_a", "supervised scratchpads: fine-tuning on the generator's worked steps (not self-taught)");
        stats.put("stage_a_steps", ModelExport.readStats(stageAExport).totalSteps());
        stats.put("stage_b", "REINFORCE on sampled thoughts rewarded by the answer's log-likelihood (Quiet-STaR, "
                + "answer level)");
        stats.put("stage_b_steps", history.size());
        stats.put("accuracy_split", "test");
        stats.put("winner_artifact", ARTIFACT);
        stats.put("winner_rule", "the one output: the model after stage B (stage A's when reinforce_steps is 0)");
        var tokenizer = new ByteTokenizer();
        Files.write(spec.jobDir().resolve(TEST_RESULTS),
                result.answered().stream().map(a -> Json.write(a.describe(tokenizer))).toList());
        return stats;
    }

    static int integer(PhaseParameters parameters, String name) {
        return ((Number) parameters.own().get(name)).intValue();
    }

    static double decimal(PhaseParameters parameters, String name) {
        return ((Number) parameters.own().get(name)).doubleValue();
    }
}
