package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.ProgressListener;
import io.agentforge.engine.training.StepProgress;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The engine behind {@link ModelTrainer}: the one class of the service that builds engine runs. */
final class EngineTrainer implements ModelTrainer {
    /** The per-example results of the test split, beside the exported model. */
    static final String TEST_RESULTS = "test_results.jsonl";
    private static final double TRAIN_FRACTION = 0.8;
    private static final double SELECT_FRACTION = 0.1;

    @Override
    public void initialState(PhaseParameters parameters, long seed, Path exportDir) throws Exception {
        try (var model = LanguageModel.initialize(TransformerConfig.preset(parameters.modelPreset()), seed)) {
            ModelExport.save(model, null, exportDir);
        }
    }

    /** Select and test are fixed by the data set; the seed and the mix change only what train holds and its order. */
    private static DatasetSplits data(PhaseParameters parameters, long dataSeed, Curriculum.Mix mix) {
        return data(parameters, TransformerConfig.preset(parameters.modelPreset()).contextLength(), dataSeed, mix);
    }

    /** The splits for models of this context length (a later phase's models bring their own architecture). */
    static DatasetSplits data(PhaseParameters parameters, int contextLength, long dataSeed, Curriculum.Mix mix) {
        return DatasetSource.parse(parameters.dataset(), contextLength).withMix(mix)
                .load(new ByteTokenizer(), contextLength, new SplitSettings(TRAIN_FRACTION, SELECT_FRACTION,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), dataSeed));
    }

    @Override
    public DataSummary describeData(PhaseParameters parameters, List<Long> dataSeeds, List<Curriculum.Mix> mixes) {
        var union = new LinkedHashSet<Example>();
        var models = new ArrayList<Map<String, Object>>();
        DatasetSplits first = null;
        for (int i = 0; i < dataSeeds.size(); i++) {
            var splits = data(parameters, dataSeeds.get(i), mixes.get(i));
            if (first == null) {
                first = splits;
            } else if (!splits.select().equals(first.select()) || !splits.test().equals(first.test())) {
                throw new IllegalStateException("select and test differ between runs of one data set");
            }
            union.addAll(splits.train());
            var model = new LinkedHashMap<String, Object>();
            model.put("split_hashes", splits.hashes());
            model.put("train_examples", splits.train().size());
            model.put("left_out_examples", splits.leftOut());
            models.add(model);
        }
        var hashes = new LinkedHashMap<>(first.hashes());
        hashes.put("train", DatasetSplits.hash(List.copyOf(union)));
        return new DataSummary(hashes, models, first.leftOut());
    }

    @Override
    public Map<String, Double> evaluateOnTest(Path modelDir, PhaseParameters parameters) throws Exception {
        var test = data(parameters, parameters.seed(), Curriculum.Mix.BALANCED).test();
        try (var model = ModelExport.load(modelDir)) {
            var result = Evaluator.evaluate(model, "test", test, EvalSettings.defaults(64));
            var measured = new LinkedHashMap<String, Double>();
            measured.put("test_loss", result.loss());
            measured.put("test_exact_match", result.exactMatch());
            return measured;
        }
    }

    @Override
    public boolean train(Path initialState, Path runDir, long dataSeed, Curriculum.Mix mix, PhaseParameters parameters,
                         StepListener listener, BooleanSupplier stop) throws Exception {
        var config = TransformerConfig.preset(parameters.modelPreset());
        var builder = TrainingRun.builder(config, data(parameters, dataSeed, mix))
                .modelName(runDir.getFileName().toString())
                .learningRate(parameters.learningRate())
                .grokFast(QuantizedTraining.grokFast(parameters))
                .maxSteps(parameters.maxSteps())
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, parameters.maxSteps() / 10))
                .evalInterval(parameters.evalInterval())
                .seed(dataSeed);
        var outcome = QuantizedTraining.train(builder, initialState, runDir, parameters, listener, stop,
                (model, result, run, dir) -> {
                    if (result.outcome() == TrainingResult.Outcome.DIVERGED) {
                        throw new RunFailure("the loss diverged (NaN or infinite) at step "
                                + result.stats().totalSteps() + "; lower learning_rate or grokfast_lambda");
                    }
                    ModelExport.save(model, result.stats(), dir);
                    writeTestResults(dir.resolve(TEST_RESULTS), result);
                });
        return outcome != null;
    }

    /** Each test example's prompt, reference, greedy answer and whether it counted, one JSON object per line. */
    private static void writeTestResults(Path file, TrainingResult result) throws IOException {
        if (result.test() == null) {
            return;
        }
        var tokenizer = new ByteTokenizer();
        var lines = result.test().results().stream().map(r -> Json.write(r.describe(tokenizer))).toList();
        Files.write(file, lines);
    }

    /** Turns engine steps into the worker's step messages, and the worker's stop request into the engine's. */
    static final class Relay implements ProgressListener {
        private final StepListener listener;
        private final BooleanSupplier stop;
        private final StopSignal engineStop;
        private final int checkpointInterval;
        private boolean started;

        Relay(StepListener listener, BooleanSupplier stop, StopSignal engineStop, int checkpointInterval) {
            this.listener = listener;
            this.stop = stop;
            this.engineStop = engineStop;
            this.checkpointInterval = checkpointInterval;
        }

        @Override
        public void onStep(StepProgress progress) {
            int step = (int) progress.step();
            if (!started) {
                started = true;
                listener.onStart(step - 1);
            } else if ((step - 1) % checkpointInterval == 0) {
                // The engine writes a periodic checkpoint after the step's callback: reported once it is on disk.
                listener.onCheckpoint(step - 1);
            }
            var metrics = new LinkedHashMap<String, Double>();
            metrics.put("loss", progress.loss());
            metrics.put("lr", progress.learningRate());
            metrics.put("grad_norm", progress.gradNorm());
            metrics.put("tokens_per_sec", progress.tokensPerSec());
            metrics.put("tokens", (double) progress.tokens());
            if (progress.eval() != null) {
                metrics.put("eval_loss", progress.eval().loss());
                if (Double.isFinite(progress.eval().exactMatch())) {
                    metrics.put("eval_exact_match", progress.eval().exactMatch());
                }
            }
            listener.onStep(step, metrics);
            if (stop.getAsBoolean()) {
                engineStop.request();
            }
        }

        void finalCheckpoint(TrainingResult result) {
            if (result.finalCheckpoint() != null) {
                listener.onCheckpoint((int) result.stats().totalSteps());
            }
        }
    }
}
