package io.agentforge.training.worker;

import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.ProgressListener;
import io.agentforge.engine.training.StepProgress;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.function.BooleanSupplier;

/** The engine behind {@link ModelTrainer}: the one class of the service that builds engine runs. */
final class EngineTrainer implements ModelTrainer {
    private static final double TRAIN_FRACTION = 0.8;
    private static final double SELECT_FRACTION = 0.1;

    @Override
    public void initialState(PhaseParameters parameters, long seed, Path exportDir) throws Exception {
        try (var model = LanguageModel.initialize(TransformerConfig.preset(parameters.modelPreset()), seed)) {
            ModelExport.save(model, null, exportDir);
        }
    }

    @Override
    public boolean train(Path initialState, Path runDir, long dataSeed, Curriculum.Mix mix, PhaseParameters parameters,
                         StepListener listener, BooleanSupplier stop) throws Exception {
        var config = TransformerConfig.preset(parameters.modelPreset());
        // Select and test are fixed by the data set; the seed and the mix change only what train holds and its order.
        var data = DatasetSource.parse(parameters.dataset(), config.contextLength()).withMix(mix)
                .load(new ByteTokenizer(), config.contextLength(), new SplitSettings(TRAIN_FRACTION, SELECT_FRACTION,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), dataSeed));
        var checkpointDir = runDir.resolve("checkpoint");
        Files.createDirectories(checkpointDir);
        var checkpoint = checkpointDir.resolve(Trainer.CHECKPOINT_FILE);
        boolean resuming = Files.isRegularFile(checkpoint);
        var run = TrainingRun.builder(config, data)
                .modelName(runDir.getFileName().toString())
                .learningRate(parameters.learningRate())
                .grokFast(parameters.useGrokfast()
                        ? new GrokFastSettings.Ema(parameters.grokfastAlpha(), parameters.grokfastLambda(), 0)
                        : new GrokFastSettings.Off())
                .maxSteps(parameters.maxSteps())
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, parameters.maxSteps() / 10))
                .evalInterval(parameters.evalInterval())
                .seed(dataSeed)
                .checkpointDir(checkpointDir)
                .checkpointInterval(parameters.checkpointInterval())
                .resumeFrom(resuming ? checkpoint : null)
                .initialState(resuming ? null : initialState)
                .build();
        var engineStop = new StopSignal();
        if (stop.getAsBoolean()) {
            engineStop.request();
        }
        var relay = new Relay(listener, stop, engineStop, parameters.checkpointInterval());
        TrainingResult result = new Trainer().run(run, relay, engineStop);
        try (var model = result.model()) {
            relay.finalCheckpoint(result);
            return switch (result.outcome()) {
                case STOPPED -> false;
                case DIVERGED -> throw new RunFailure("the loss diverged (NaN or infinite) at step "
                        + result.stats().totalSteps() + "; lower learning_rate or grokfast_lambda");
                case COMPLETED, EARLY_STOPPED -> {
                    var export = runDir.resolve(CognateRun.EXPORT);
                    var temporary = runDir.resolve(CognateRun.EXPORT + ".tmp");
                    CognateRun.deleteRecursively(temporary);
                    ModelExport.save(model, result.stats(), temporary);
                    Files.move(temporary, export, StandardCopyOption.ATOMIC_MOVE);
                    yield true;
                }
            };
        }
    }

    /** Turns engine steps into the worker's step messages, and the worker's stop request into the engine's. */
    private static final class Relay implements ProgressListener {
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
