package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.search.ArchitectureGenome;
import io.agentforge.engine.search.ArchitectureSpace;
import io.agentforge.engine.search.ForwardLatency;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * ADAS's three objectives of one architecture (PHASES.md 6.4), all measured: the model is built from the genome with
 * a fresh seeded init, trained for the fixed short budget ({@code candidate_steps}) on the phase's train split with the
 * same data order and seed as every other candidate, as BitNet QAT (λ ramped over the first fifth) because the phase
 * hands on a ternary model; its {@code select} loss is the trainer's evaluation after the last step at full strength,
 * which is the ternary export's loss. Its parameter count is the built model's; its latency the median forward time of
 * the ternary model on a fixed batch after warm-up, in this process, at the worker's fixed thread count.
 */
final class ArchitectureFitness {
    /** Rows and tokens of the fixed batch the latency is measured on (tokens capped by the context). */
    static final int LATENCY_BATCH = 8;
    static final int LATENCY_TOKENS = 64;
    static final int LATENCY_WARMUPS = 3;
    /** A run that diverged still gets a finite loss (NSGA-II needs one): the worst a model could be, and more. */
    static final double DIVERGED_LOSS_MARGIN = 1.0;

    /**
     * One evaluated architecture, a line of the job's {@code evaluations.jsonl}.
     *
     * @param generation   the search generation that first asked for it
     * @param measuredBy   host and process that timed it: latencies compare only within one process
     * @param trainSeconds wall time of its short training
     * @param replica      the Training instance whose worker measured it (the parent job's own, or the one that ran
     *                     it as a sub-job); null when no service ran the worker (tests, benchmarks)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Evaluation(int generation, ArchitectureGenome config, double selectLoss, long parameters, double latencyMs,
                      List<Double> latencyRunsMs, long seed, boolean diverged, String measuredBy, double trainSeconds,
                      String replica) {

        double[] objectives() {
            return new double[]{selectLoss, parameters, latencyMs};
        }

        /** The same measurement, filed under the generation that asked for it. */
        Evaluation inGeneration(int askedIn) {
            return new Evaluation(askedIn, config, selectLoss, parameters, latencyMs, latencyRunsMs, seed, diverged,
                    measuredBy, trainSeconds, replica);
        }
    }

    /** Evaluates a batch of architectures, passing each evaluation on as it is done. */
    interface Evaluator {
        /**
         * @param done told of each evaluation as it finishes, in any order
         * @return false when a stop was requested before all were done
         */
        boolean evaluate(List<ArchitectureGenome> genomes, int generation, long seed, Consumer<Evaluation> done)
                throws IOException;
    }

    private final ArchitectureSpace space;
    private final DatasetSplits data;
    private final PhaseParameters parameters;
    private final int steps;
    private final int latencyRuns;

    private final String replica;

    ArchitectureFitness(ArchitectureSpace space, DatasetSplits data, PhaseParameters parameters, int steps, int latencyRuns,
                        String replica) {
        this.space = space;
        this.data = QuantizedTraining.forTraining(data);
        this.parameters = parameters;
        this.steps = steps;
        this.latencyRuns = latencyRuns;
        this.replica = replica;
    }

    /** The phase's search space over models of this vocabulary and context, within {@code parameter_cap}. */
    static ArchitectureSpace space(PhaseParameters parameters, int vocabSize, int contextLength) {
        long cap = ((Number) parameters.own().get("parameter_cap")).longValue();
        try {
            return ArchitectureSpace.defaults(vocabSize, contextLength, cap);
        } catch (IllegalArgumentException e) {
            throw new RunFailure("adas: " + e.getMessage());
        }
    }

    /** The fitness of the phase's parameters: {@code candidate_steps} of training, {@code latency_runs} timings. */
    static ArchitectureFitness of(ArchitectureSpace space, DatasetSplits data, PhaseParameters parameters, String replica) {
        return new ArchitectureFitness(space, data, parameters,
                ((Number) parameters.own().get("candidate_steps")).intValue(),
                ((Number) parameters.own().get("latency_runs")).intValue(), replica);
    }

    /** One after another in this process, so that every latency is timed in one process with nothing else training. */
    Evaluator inProcess(BooleanSupplier stop) {
        return (genomes, generation, seed, done) -> {
            for (var genome : genomes) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                var evaluation = evaluate(genome, generation, seed, stop);
                if (evaluation == null) {
                    return false;
                }
                done.accept(evaluation);
            }
            return true;
        };
    }

    /** Builds, trains and times one architecture. */
    Evaluation evaluate(ArchitectureGenome genome, int generation, long seed, BooleanSupplier stop) throws IOException {
        var run = TrainingRun.builder(space.config(genome, Quantization.BITNET), data)
                .modelName("adas-candidate")
                .optimizer(QuantizedTraining.adamW(parameters.learningRate(), 0))
                .grokFast(QuantizedTraining.grokFast(parameters))
                .quantizationRampSteps(Math.round(steps / 5f))
                .maxSteps(steps)
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10))
                .evalInterval(steps)
                .evalBatchSize(QuantizedTraining.EVAL_BATCH)
                .seed(seed)
                .build();
        var engineStop = new StopSignal();
        long started = System.nanoTime();
        TrainingResult result = new Trainer().run(run, progress -> {
            if (stop.getAsBoolean()) {
                engineStop.request();
            }
        }, engineStop);
        try (var model = result.model()) {
            if (result.outcome() == TrainingResult.Outcome.STOPPED) {
                return null;
            }
            return measure(genome, generation, seed, result, model, (System.nanoTime() - started) / 1e9);
        }
    }

    private Evaluation measure(ArchitectureGenome genome, int generation, long seed, TrainingResult result,
                               LanguageModel model, double trainSeconds) {
        try (var ternary = Ternarization.ternarize(model)) {
            var history = result.stats().evalLossHistory();
            boolean diverged = result.outcome() == TrainingResult.Outcome.DIVERGED || history.isEmpty()
                    || !Double.isFinite(history.getLast());
            double loss = diverged ? Math.log(space.vocabSize()) + DIVERGED_LOSS_MARGIN : history.getLast();
            var latency = ForwardLatency.measure(ternary, LATENCY_BATCH, Math.min(LATENCY_TOKENS, space.contextLength()),
                    LATENCY_WARMUPS, latencyRuns);
            return new Evaluation(generation, genome, loss, model.parameterCount(), latency.medianMillis(),
                    latency.runsMillis(), seed, diverged, measuringProcess(), trainSeconds, replica);
        }
    }

    /** Host name and pid of this worker, recorded with every latency it measures. */
    static String measuringProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** The thread count latencies are measured at (the worker is started with it fixed). */
    static String threads() {
        return System.getProperty("ai.djl.pytorch.num_threads", "default");
    }
}
