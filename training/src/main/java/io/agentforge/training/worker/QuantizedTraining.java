package io.agentforge.training.worker;

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
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.OptimizerSettings;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the BitNet and Forge Training runners share: the phase's one input model, the task data at the input model's
 * context length, the run they both start from, the test and select measurements of the one evaluation harness, and
 * one checkpointed engine run whose result is exported atomically (which Cognate's {@link EngineTrainer} runs too).
 */
final class QuantizedTraining {
    static final String EXPORT = CognateRun.EXPORT;
    /** Examples per forward pass of every evaluation of these phases. */
    static final int EVAL_BATCH = 64;

    private QuantizedTraining() {
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

    /**
     * The engine run both phases start from: the task data without test, AdamW with the phase's {@code weight_decay},
     * GrokFast as asked, a warm-up of a tenth of the steps (at most 100), the select evaluation every
     * {@code eval_interval} steps.
     */
    static TrainingRun.Builder baseRun(String phase, TransformerConfig runConfig, DatasetSplits data,
                                       PhaseParameters parameters) {
        int steps = parameters.maxSteps();
        return TrainingRun.builder(runConfig, forTraining(data))
                .modelName(phase)
                .optimizer(adamW(parameters.learningRate(), BitNetRun.own(parameters, "weight_decay")))
                .grokFast(grokFast(parameters))
                .maxSteps(steps)
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10))
                .evalInterval(parameters.evalInterval())
                .evalBatchSize(EVAL_BATCH)
                .seed(parameters.seed());
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

    /** Progress of a phase that is one engine run: Started once, each step as Progress, checkpoints. */
    static final class SingleRun implements ModelTrainer.StepListener {
        private final WorkerChannel channel;
        private final int totalSteps;
        private final String label;
        private volatile int lastStep;
        private boolean announced;

        SingleRun(WorkerChannel channel, int totalSteps, String label) {
            this.channel = channel;
            this.totalSteps = totalSteps;
            this.label = label;
        }

        @Override
        public void onStart(int resumedFromStep) {
            lastStep = resumedFromStep;
            announce(resumedFromStep);
        }

        void announce(int step) {
            if (!announced) {
                announced = true;
                channel.send(new WorkerMessage.Started(totalSteps, step, ProcessHandle.current().pid()));
            }
        }

        @Override
        public void onStep(int step, Map<String, Double> metrics) {
            lastStep = step;
            channel.send(new WorkerMessage.Progress(step, totalSteps, label + ": step " + step,
                    new LinkedHashMap<>(metrics)));
        }

        @Override
        public void onCheckpoint(int step) {
            channel.send(new WorkerMessage.Checkpointed(step));
        }

        int lastStep() {
            return lastStep;
        }
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
