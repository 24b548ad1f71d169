package io.agentforge.engine.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.agentforge.engine.checkpoint.Checkpoint;
import io.agentforge.engine.checkpoint.CheckpointHeader;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.evaluation.Batch;
import io.agentforge.engine.evaluation.EvalResult;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.export.TrainingStats;
import io.agentforge.engine.grokfast.GrokFastFilter;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Runs a {@link TrainingRun}: per step, forward and backward over {@code accumulationSteps} micro-batches, then the
 * GrokFast filter, gradient-norm clipping and the Adam update, then (every {@code evalInterval} steps) evaluation on
 * {@code select}.
 *
 * <p>PyTorch under DJL allows one gradient collector per JVM at a time: run one trainer per process (or take turns).
 * Each step's temporaries live in a manager closed at the end of the step, so memory stays flat.
 */
public final class Trainer {

    /** The file a run writes in its checkpoint directory, replaced atomically each time. */
    public static final String CHECKPOINT_FILE = "checkpoint.ckpt";
    /** The checkpoint's copies of the best parameters ({@link TrainingRun#restoreBest()}); the slash keeps them apart. */
    private static final String BEST_PREFIX = "best/";

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    public TrainingResult run(TrainingRun run, ProgressListener listener, StopSignal stop) throws IOException {
        Engine engine = Engine.getInstance();
        // No step draws random numbers natively (no dropout); seeding still pins any op that might.
        engine.setRandomSeed(Math.toIntExact(run.seed() & 0x7FFFFFFF));
        var state = new RunState(run);
        try (NDManager root = NDManager.newBaseManager()) {
            return state.train(engine, root, listener, stop);
        } finally {
            state.closeAuxiliaries();
        }
    }

    /** The mutable state of one run; what a checkpoint holds. */
    private static final class RunState {
        private final TrainingRun run;
        private final List<Example> train;
        private final AdamOptimizer optimizer;
        private final GrokFastFilter filter;
        private final LearningRateSchedule schedule;
        private LanguageModel model;
        private DataOrder order;
        private long step;
        private double bestEvalLoss = Double.POSITIVE_INFINITY;
        private int evalsWithoutImprovement;
        private long bestStep;
        private long skippedSteps;
        private int badStepsInARow;
        /** With {@link TrainingRun#restoreBest()}: copies of the parameters at {@link #bestStep}, named as they are. */
        private NDManager bestManager;
        private NDList best;
        private double priorSeconds;
        private final List<Double> lossHistory = new ArrayList<>();
        private final List<Double> learningRateHistory = new ArrayList<>();
        private final List<Double> evalLossHistory = new ArrayList<>();

        RunState(TrainingRun run) throws IOException {
            this.run = run;
            this.train = run.data().train();
            this.optimizer = new AdamOptimizer(run.optimizer());
            this.filter = GrokFastFilter.of(run.grokFast());
            this.schedule = new LearningRateSchedule(run.optimizer().learningRate(), run.warmupSteps(), run.maxSteps(),
                    run.minLearningRateRatio());
            try {
                if (run.resumeFrom() != null) {
                    resume(run.resumeFrom());
                } else {
                    model = run.initialState() != null ? loadInitialState(run) : LanguageModel.initialize(run.model(), run.seed(), run.init());
                    order = new DataOrder(train.size(), run.seed(), 0, 0);
                }
            } catch (IOException | RuntimeException e) {
                closeAuxiliaries();
                throw e;
            }
        }

        private static LanguageModel loadInitialState(TrainingRun run) throws IOException {
            TransformerConfig saved = ModelExport.readConfig(run.initialState());
            Quantization wanted = run.model().quantization();
            if (!saved.withQuantization(wanted).equals(run.model())) {
                throw new IllegalArgumentException("initial_state: its config " + saved + " differs from the run's " + run.model());
            }
            LanguageModel loaded = ModelExport.load(run.initialState());
            if (saved.quantization() == wanted) {
                return loaded;
            }
            try (loaded) {
                return Ternarization.convert(loaded, wanted);
            }
        }

        private void resume(Path file) throws IOException {
            try (Checkpoint checkpoint = Checkpoint.readLatest(file)) {
                CheckpointHeader h = checkpoint.header();
                if (!h.config().equals(run.model())) {
                    throw new IllegalArgumentException("resume_from: the checkpoint's config " + h.config() + " differs from the run's " + run.model());
                }
                model = LanguageModel.fromParameters(h.config(), checkpoint.parameters());
                optimizer.restore(checkpoint.arrays("adam."), h.optimizerSteps());
                if (filter != null) {
                    filter.restore(checkpoint.arrays("grokfast/"), h.grokFastSteps());
                }
                step = h.step();
                order = new DataOrder(train.size(), run.seed(), h.dataEpoch(), h.dataPosition());
                bestEvalLoss = h.bestEvalLoss();
                evalsWithoutImprovement = h.evalsWithoutImprovement();
                bestStep = h.bestStep();
                skippedSteps = h.skippedSteps();
                badStepsInARow = h.badStepsInARow();
                NDList saved = checkpoint.arrays(BEST_PREFIX);
                if (run.restoreBest() && !saved.isEmpty()) {
                    keepBest(saved, name -> name.substring(BEST_PREFIX.length()));
                }
                priorSeconds = h.trainingTimeSeconds();
                lossHistory.addAll(h.trainingLossHistory());
                learningRateHistory.addAll(h.learningRateHistory());
                evalLossHistory.addAll(h.evalLossHistory());
            }
        }

        TrainingResult train(Engine engine, NDManager root, ProgressListener listener, StopSignal stop) throws IOException {
            long started = System.nanoTime();
            var outcome = TrainingResult.Outcome.COMPLETED;
            while (step < run.maxSteps()) {
                if (stop.isRequested()) {
                    outcome = TrainingResult.Outcome.STOPPED;
                    break;
                }
                step++;
                double lr = schedule.at(step);
                if (model.config().quantization() == Quantization.BITNET) {
                    model.setQuantizationStrength(run.quantizationStrengthAt(step));
                }
                StepMeasure measure = step(engine, root, lr);
                if (!measure.applied) {
                    skippedSteps++;
                    badStepsInARow++;
                    if (badStepsInARow >= run.badStepLimit()) {
                        LOG.warn("{}: loss {}, gradient norm {} at step {}, the {} such step(s) in a row; stopping",
                                run.modelName(), measure.loss, measure.gradNorm, step, badStepsInARow);
                        listener.onStep(new StepProgress(step, run.maxSteps(), measure.loss, lr, measure.gradNorm, measure.tokensPerSec, measure.tokens, null));
                        outcome = TrainingResult.Outcome.DIVERGED;
                        break;
                    }
                    LOG.warn("{}: loss {}, gradient norm {} at step {}; skipped without an update", run.modelName(),
                            measure.loss, measure.gradNorm, step);
                } else {
                    badStepsInARow = 0;
                    lossHistory.add(measure.loss);
                    learningRateHistory.add(lr);
                }
                EvalResult eval = null;
                if ((step % run.evalInterval() == 0 || step == run.maxSteps()) && !run.data().select().isEmpty()) {
                    eval = Evaluator.evaluate(model, "select", run.data().select(), run.selectEvalSettings(), root);
                    evalLossHistory.add(eval.loss());
                    if (eval.loss() < bestEvalLoss - run.earlyStoppingMinDelta()) {
                        bestEvalLoss = eval.loss();
                        evalsWithoutImprovement = 0;
                        bestStep = step;
                        if (run.restoreBest()) {
                            keepBest(new NDList(model.parameters().values()), name -> name);
                        }
                    } else {
                        evalsWithoutImprovement++;
                    }
                }
                listener.onStep(new StepProgress(step, run.maxSteps(), measure.loss, lr, measure.gradNorm, measure.tokensPerSec, measure.tokens, eval));
                if (run.earlyStoppingPatience() > 0 && evalsWithoutImprovement >= run.earlyStoppingPatience()) {
                    outcome = TrainingResult.Outcome.EARLY_STOPPED;
                    break;
                }
                if (run.checkpointDir() != null && run.checkpointInterval() > 0 && step % run.checkpointInterval() == 0) {
                    writeCheckpoint(seconds(started));
                }
            }
            double seconds = seconds(started);
            Path checkpoint = null;
            // A diverged model is not worth resuming from: keep the last good checkpoint.
            if (run.checkpointDir() != null && outcome != TrainingResult.Outcome.DIVERGED) {
                checkpoint = writeCheckpoint(seconds);
            }
            if (run.restoreBest() && best != null && outcome != TrainingResult.Outcome.STOPPED) {
                // Also after a divergence: the best evaluated weights are a result, the NaN ones are not.
                // fromParameters copies: the best arrays stay with their manager, closed with the run.
                LanguageModel restored = LanguageModel.fromParameters(model.config(), best);
                model.close();
                model = restored;
            }
            EvalResult test = null;
            if ((outcome == TrainingResult.Outcome.COMPLETED || outcome == TrainingResult.Outcome.EARLY_STOPPED)
                    && !run.data().test().isEmpty()) {
                test = Evaluator.evaluate(model, "test", run.data().test(), run.evalSettings(), root);
            }
            var result = new TrainingResult(model, stats(seconds, test), checkpoint, test, outcome, bestStep, skippedSteps);
            model = null; // handed to the caller
            return result;
        }

        /** @param applied whether the update was made: false when the loss or the gradient was NaN or infinite */
        private record StepMeasure(double loss, double gradNorm, double tokensPerSec, long tokens, boolean applied) {
        }

        private StepMeasure step(Engine engine, NDManager root, double lr) {
            try (NDManager scope = root.newSubManager()) {
                long started = System.nanoTime();
                double lossSum = 0;
                long tokens = 0;
                int micro = run.accumulationSteps();
                try (GradientCollector collector = engine.newGradientCollector()) {
                    for (int i = 0; i < micro; i++) {
                        var examples = order.next(run.batchSize()).stream().map(train::get).toList();
                        Batch batch = Batch.of(examples, run.model().contextLength(), scope);
                        NDArray loss = loss(batch);
                        collector.backward(micro == 1 ? loss : loss.div(micro));
                        lossSum += loss.getFloat();
                        tokens += batch.inputTokens();
                    }
                }
                double loss = lossSum / micro;
                var gradients = new LinkedHashMap<String, NDArray>();
                model.parameters().forEach((name, p) -> {
                    NDArray g = p.getGradient(); // a new wrapper over the live gradient: in-place ops reach it
                    g.attach(scope);
                    gradients.put(name, g);
                });
                double norm = Double.NaN;
                // The NaN guard: a non-finite gradient must reach neither GrokFast's running mean (which would carry
                // it into every later step) nor Adam's moments nor the weights.
                boolean applied = Double.isFinite(loss) && (filter == null || Double.isFinite(globalNorm(gradients)));
                if (applied) {
                    if (filter != null) {
                        filter.apply(gradients);
                    }
                    norm = globalNorm(gradients);
                    applied = Double.isFinite(norm);
                }
                if (applied) {
                    if (run.clipNorm() > 0 && norm > run.clipNorm()) {
                        double factor = run.clipNorm() / (norm + 1e-6);
                        gradients.values().forEach(g -> g.muli(factor));
                    }
                    optimizer.step(model.parameters(), gradients, lr, run.weightDecayAt(step), scope);
                }
                // torch accumulates gradients across backward calls; the next step starts from zero.
                model.parameters().values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
                double seconds = (System.nanoTime() - started) / 1e9;
                return new StepMeasure(loss, norm, tokens / seconds, tokens, applied);
            }
        }

        /** The step's loss: on the targets, or against the teacher's logits too when the run distils. */
        private NDArray loss(Batch batch) {
            Distillation distillation = run.distillation();
            if (distillation == null) {
                return batch.loss(model.forward(batch.inputs()));
            }
            NDArray teacherLogits = distillation.teacherLogits(batch);
            return distillation.loss(batch, model.forward(batch.inputs()), teacherLogits);
        }

        private static double globalNorm(Map<String, NDArray> gradients) {
            NDArray total = null;
            for (NDArray g : gradients.values()) {
                NDArray squares = g.square().sum();
                total = total == null ? squares : total.add(squares);
            }
            return Math.sqrt(total.getFloat());
        }

        private Path writeCheckpoint(double secondsThisSession) throws IOException {
            Path file = run.checkpointDir().resolve(CHECKPOINT_FILE);
            var arrays = new NDList(model.parameters().values());
            arrays.addAll(optimizer.state());
            if (filter != null) {
                arrays.addAll(filter.state());
            }
            if (best != null) {
                for (NDArray array : best) {
                    NDArray named = array.duplicate();
                    named.setName(BEST_PREFIX + array.getName());
                    arrays.add(named);
                }
            }
            var header = new CheckpointHeader(run.modelName(), run.model(), step, run.seed(), order.epoch(), order.position(),
                    optimizer.steps(), filter == null ? 0 : filter.steps(), bestEvalLoss, evalsWithoutImprovement,
                    priorSeconds + secondsThisSession, lossHistory, learningRateHistory, evalLossHistory, bestStep,
                    skippedSteps, badStepsInARow);
            try {
                Checkpoint.write(file, header, arrays);
            } finally {
                if (best != null) {
                    arrays.stream().filter(a -> a.getName().startsWith(BEST_PREFIX)).forEach(NDArray::close);
                }
            }
            return file;
        }

        private TrainingStats stats(double seconds, EvalResult test) {
            long parameters = model.parameterCount();
            return new TrainingStats(run.modelName(), step,
                    Double.isFinite(bestEvalLoss) ? bestEvalLoss : Double.NaN,
                    List.copyOf(lossHistory), List.copyOf(evalLossHistory), List.copyOf(learningRateHistory),
                    priorSeconds + seconds,
                    lossHistory.isEmpty() ? Double.NaN : lossHistory.getLast(),
                    parameters, parameters * 4.0 / (1024 * 1024),
                    test == null ? Double.NaN : test.loss(),
                    test == null ? Double.NaN : test.exactMatch(),
                    evalLossHistory.isEmpty() ? Double.NaN : evalLossHistory.getLast());
        }

        /** Replaces the kept best parameters by copies of {@code arrays}, named by {@code name}. */
        private void keepBest(NDList arrays, UnaryOperator<String> name) {
            NDManager manager = NDManager.newBaseManager();
            var copies = new NDList();
            for (NDArray array : arrays) {
                NDArray copy = manager.create(array.toFloatArray(), array.getShape());
                copy.setName(name.apply(array.getName()));
                copies.add(copy);
            }
            if (bestManager != null) {
                bestManager.close();
            }
            bestManager = manager;
            best = copies;
        }

        private static double seconds(long startedNanos) {
            return (System.nanoTime() - startedNanos) / 1e9;
        }

        void closeAuxiliaries() {
            if (bestManager != null) {
                bestManager.close();
            }
            optimizer.close();
            if (filter != null) {
                filter.close();
            }
            if (model != null) {
                model.close();
            }
        }
    }
}
