package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.evaluation.EvalResult;
import io.agentforge.engine.evaluation.ToolUseEvaluation;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.search.ArchitectureGenome;
import io.agentforge.engine.search.ArchitectureSpace;
import io.agentforge.engine.search.ForwardLatency;
import io.agentforge.engine.search.Hypervolume;
import io.agentforge.engine.search.Nsga2;
import io.agentforge.engine.search.Pareto;
import io.agentforge.engine.search.RankCorrelation;
import io.agentforge.engine.training.Distillation;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ADAS phase (PHASES.md section 6): an NSGA-II search over architectures whose three objectives are measured,
 * never estimated ({@link ArchitectureFitness}: select loss after a fixed short QAT budget, exact parameter count,
 * median forward latency), then the chosen architecture (the knee of the front, or the lowest select loss within
 * {@code parameter_budget}) is trained for {@code max_steps} by distillation from the incoming model (KL on its logits
 * plus the task loss) as BitNet QAT, and exported ternary for Final Compression. The new architecture starts from a
 * fresh init: the incoming weights do not fit it, so what they learnt reaches it only through the teacher's logits.
 *
 * <p>Every evaluation is appended to the job's {@code evaluations.jsonl} as it finishes; a worker started again
 * replays the (deterministic) search with them and trains only the rest. The noise floor (the chosen architecture
 * trained again with another seed) and the distillation (checkpointed) resume as well. By default candidates are
 * evaluated one after another in this worker, so that every latency is timed in one process with nothing else
 * training in it; with {@code candidate_jobs} 1 each generation's candidates are sub-jobs on the shared job queue
 * ({@link CandidateJobs}), evaluated in parallel by whichever Training replicas have a free slot, each evaluation
 * naming the replica that timed it.
 */
public final class AdasRun implements PhaseRunner {
    static final String ARTIFACT = "adas-chosen";
    static final String RUN_DIR = "distill";
    static final String NOISE_FILE = "noise_floor.json";
    /** The share of the distillation over which λ rises to ternary (BitNet's ramp). */
    static final double RAMP_SHARE = 0.2;

    @Override
    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var channel = context.channel();
        int generations = own(parameters, "generations");
        int population = own(parameters, "population");
        long cap = ((Number) parameters.own().get("parameter_cap")).longValue();
        var clock = PhaseClock.start(spec.jobDir());
        var input = QuantizedTraining.input(context.inputs(), "adas");
        var inputConfig = ModelExport.readConfig(input.directory());
        var data = QuantizedTraining.data(parameters, inputConfig);
        var space = ArchitectureFitness.space(parameters, inputConfig.vocabSize(), inputConfig.contextLength());
        var fitness = ArchitectureFitness.of(space, data, parameters, spec.replica());
        boolean queued = own(parameters, "candidate_jobs") == 1 && context.subJobs().available();
        ArchitectureFitness.Evaluator evaluator = queued
                ? new CandidateJobs(context.subJobs(), channel, context.stop(), input.modelId(),
                        inputConfig.vocabSize(), inputConfig.contextLength())
                : fitness.inProcess(context.stop());

        int searchWork = generations * population + 1;
        int totalWork = searchWork + parameters.maxSteps();
        var log = EvaluationLog.open(spec.jobDir(), ArchitectureFitness.Evaluation.class);
        var measured = new LinkedHashMap<ArchitectureGenome, ArchitectureFitness.Evaluation>();
        log.read().forEach(e -> measured.putIfAbsent(e.config(), e));
        channel.send(new WorkerMessage.Started(totalWork, measured.size(), ProcessHandle.current().pid()));
        var search = new ArchitectureSearch(evaluator, log, measured, channel, context.stop(), totalWork, parameters.seed());
        Nsga2.Result<ArchitectureGenome> result;
        try {
            var resumed = measured.values().stream()
                    .map(e -> new Nsga2.Evaluated<>(e.config(), e.objectives(), e.generation())).toList();
            result = new Nsga2<>(new Nsga2.Settings(population, generations, parameters.seed(), null), space)
                    .run(search, resumed, search);
        } catch (ArchitectureSearch.StopRequested e) {
            channel.send(new WorkerMessage.Stopped(measured.size()));
            return WorkerMain.EXIT_STOPPED;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }

        var evaluations = result.evaluations().stream().map(e -> measured.get(e.genome())).toList();
        var front = result.front().stream().map(e -> measured.get(e.genome())).toList();
        long budget = ((Number) parameters.own().get("parameter_budget")).longValue();
        var chosen = choose(front, evaluations, budget);
        var noise = noiseFloor(spec.jobDir(), evaluator, chosen, parameters.seed());
        if (noise == null) {
            channel.send(new WorkerMessage.Stopped(evaluations.size()));
            return WorkerMain.EXIT_STOPPED;
        }

        var runDir = spec.jobDir().resolve(RUN_DIR);
        var export = runDir.resolve(QuantizedTraining.EXPORT);
        var progress = new DistillProgress(channel, searchWork, totalWork);
        if (!Files.isDirectory(export)) {
            try (var teacher = ModelExport.load(input.directory())) {
                var builder = distillation(space, chosen.config(), data, parameters, teacher);
                var outcome = QuantizedTraining.train(builder, null, runDir, parameters, progress, context.stop(),
                        (model, trained, run, dir) -> {
                            if (trained.outcome() == TrainingResult.Outcome.DIVERGED) {
                                throw new RunFailure("adas: the distillation diverged (NaN or infinite loss) at step "
                                        + trained.stats().totalSteps() + "; lower learning_rate or grokfast_lambda");
                            }
                            try (var ternary = Ternarization.ternarize(model)) {
                                ModelExport.save(ternary, trained.stats(), dir);
                            }
                        });
                if (outcome == null) {
                    channel.send(new WorkerMessage.Stopped(searchWork + progress.lastStep));
                    return WorkerMain.EXIT_STOPPED;
                }
            }
        }

        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "adas");
        stats.put("input_models", List.of(QuantizedTraining.inputModels(input)));
        stats.put("split_hashes", data.hashes());
        stats.put("parameters", parameters.asMap());
        stats.put("evaluations", evaluations);
        stats.put("evaluation_count", evaluations.size());
        stats.put("pareto_front", front);
        stats.putAll(hypervolumes(result, evaluations));
        double rho = evaluations.size() < 2 ? Double.NaN : RankCorrelation.spearman(
                evaluations.stream().mapToDouble(e -> e.parameters()).toArray(),
                evaluations.stream().mapToDouble(ArchitectureFitness.Evaluation::selectLoss).toArray());
        QuantizedTraining.putIfMeasured(stats, "spearman_params_loss", rho);
        stats.put("chosen_config", chosen.config());
        stats.put("chosen_rule", budget > 0 ? "lowest select loss within parameter_budget " + budget
                : "knee of the front (nearest the ideal point with each objective scaled to [0, 1] over the front)");
        stats.put("chosen_search_evaluation", chosen);
        stats.put("noise_floor", noise);
        stats.put("candidate_evaluation", queued ? "sub-jobs on the shared job queue, one worker each on whichever"
                + " replica took it (each evaluation names its replica; latencies compare within one replica)"
                : "in this job's worker, one after another" + (own(parameters, "candidate_jobs") == 1
                ? " (candidate_jobs 1, but this worker has no job queue to hand them to)" : ""));
        stats.put("latency_threads", ArchitectureFitness.threads());
        stats.put("latency_batch", Map.of("rows", ArchitectureFitness.LATENCY_BATCH,
                "tokens", Math.min(ArchitectureFitness.LATENCY_TOKENS, space.contextLength())));
        stats.put("space", Map.of("layers", space.layers(), "d_model", space.dModels(), "heads", space.heads(),
                "ffn_mult", space.ffnMults(), "tied_head", space.tiedHeads(), "parameter_cap", cap));
        var metrics = compare(stats, input, export, data, space, own(parameters, "latency_runs"),
                own(parameters, "tool_use_examples"));
        stats.put("distillation", Map.of("steps", parameters.maxSteps(),
                "weight", parameters.own().get("distill_weight"), "temperature", parameters.own().get("distill_temperature"),
                "eval_loss_history", ModelExport.readStats(export).evalLossHistory()));
        stats.put("winner_artifact", ARTIFACT);
        stats.put("winner_rule", "the chosen architecture, distilled from the incoming model and exported ternary");
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var artifactParameters = new LinkedHashMap<String, Object>(parameters.asMap());
        artifactParameters.put("quantization", "ternary");
        artifactParameters.put("input_model_id", input.modelId());
        artifactParameters.put("parameter_count", stats.get("chosen_parameters"));
        artifactParameters.put("architecture", Json.mapper().convertValue(chosen.config(), Map.class));
        var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", export, null, artifactParameters, metrics,
                List.of(input.modelId()));
        channel.send(new WorkerMessage.Completed(totalWork, List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    /** The knee of the front, or with a budget the lowest select loss among evaluations within it. */
    static ArchitectureFitness.Evaluation choose(List<ArchitectureFitness.Evaluation> front,
                                                 List<ArchitectureFitness.Evaluation> evaluations, long budget) {
        if (budget <= 0) {
            return front.get(Pareto.knee(front.stream().map(ArchitectureFitness.Evaluation::objectives).toList()));
        }
        var index = Pareto.lowestUnder(evaluations.stream().map(ArchitectureFitness.Evaluation::objectives).toList(),
                0, 1, budget);
        if (index.isEmpty()) {
            long smallest = evaluations.stream().mapToLong(ArchitectureFitness.Evaluation::parameters).min().orElseThrow();
            throw new RunFailure("parameter_budget: " + budget + " is below every evaluated architecture (the smallest has "
                    + smallest + " parameters); raise it, or 0 for the knee of the front");
        }
        return evaluations.get(index.getAsInt());
    }

    /** The chosen architecture's short run again with the next seed: how far apart two runs of one config land. */
    private static Map<String, Object> noiseFloor(Path jobDir, ArchitectureFitness.Evaluator evaluator,
                                                  ArchitectureFitness.Evaluation chosen, long seed) throws IOException {
        var file = jobDir.resolve(NOISE_FILE);
        if (Files.isRegularFile(file)) {
            return Json.mapper().readValue(file.toFile(), Map.class);
        }
        var rerun = new ArrayList<ArchitectureFitness.Evaluation>();
        if (!evaluator.evaluate(List.of(chosen.config()), -1, seed + 1, rerun::add)) {
            return null;
        }
        var again = rerun.getFirst();
        var noise = new LinkedHashMap<String, Object>();
        noise.put("config", chosen.config());
        noise.put("seed", chosen.seed());
        noise.put("select_loss", chosen.selectLoss());
        noise.put("rerun_seed", again.seed());
        noise.put("rerun_select_loss", again.selectLoss());
        noise.put("select_loss_difference", Math.abs(again.selectLoss() - chosen.selectLoss()));
        noise.put("rerun_latency_ms", again.latencyMs());
        noise.put("rerun_replica", again.replica());
        var temporary = jobDir.resolve(NOISE_FILE + ".tmp");
        Files.writeString(temporary, Json.write(noise));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        return Json.mapper().readValue(file.toFile(), Map.class);
    }

    private static TrainingRun.Builder distillation(ArchitectureSpace space, ArchitectureGenome genome, DatasetSplits data,
                                                    PhaseParameters parameters, LanguageModel teacher) {
        int steps = parameters.maxSteps();
        return TrainingRun.builder(space.config(genome, Quantization.BITNET), QuantizedTraining.forTraining(data))
                .modelName("adas-chosen")
                .optimizer(QuantizedTraining.adamW(parameters.learningRate(), 0))
                .grokFast(QuantizedTraining.grokFast(parameters))
                .quantizationRampSteps((int) Math.round(RAMP_SHARE * steps))
                .maxSteps(steps)
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10))
                .evalInterval(parameters.evalInterval())
                .evalBatchSize(QuantizedTraining.EVAL_BATCH)
                .seed(parameters.seed())
                .distillation(new Distillation(teacher, ((Number) parameters.own().get("distill_weight")).doubleValue(),
                        ((Number) parameters.own().get("distill_temperature")).doubleValue()));
    }

    /**
     * The hypervolume of all points evaluated up to each generation, against one reference point fixed for the run:
     * 1.1 times the worst value of each objective among all evaluations (so that every point counts). Its gain over
     * generation 0 is the informative number; the history never falls by construction.
     */
    static Map<String, Object> hypervolumes(Nsga2.Result<ArchitectureGenome> result,
                                            List<ArchitectureFitness.Evaluation> evaluations) {
        double[] reference = new double[3];
        for (var e : evaluations) {
            double[] v = e.objectives();
            for (int m = 0; m < 3; m++) {
                reference[m] = Math.max(reference[m], 1.1 * v[m]);
            }
        }
        int last = result.evaluations().stream().mapToInt(Nsga2.Evaluated::generation).max().orElse(0);
        var history = new ArrayList<Double>();
        for (int g = 0; g <= last; g++) {
            int generation = g;
            history.add(Hypervolume.of(result.evaluations().stream().filter(e -> e.generation() <= generation)
                    .map(Nsga2.Evaluated::objectives).toList(), reference));
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("hypervolume_history", history);
        out.put("hypervolume_reference", Map.of("select_loss", reference[0], "parameters", reference[1],
                "latency_ms", reference[2]));
        out.put("hypervolume_gain", history.getLast() - history.getFirst());
        if (history.getFirst() > 0) {
            out.put("hypervolume_gain_ratio", history.getLast() / history.getFirst());
        }
        return out;
    }

    /**
     * The chosen model against the incoming one on the same test tokens and the same latency batch, in this process;
     * the chosen model's parameter count is that of the exported model as loaded. Returns the artifact's metrics.
     */
    private static Map<String, Double> compare(Map<String, Object> stats, InputModel input, Path export,
                                               DatasetSplits data, ArchitectureSpace space, int latencyRuns,
                                               int toolUseExamples) throws IOException {
        int tokens = Math.min(ArchitectureFitness.LATENCY_TOKENS, space.contextLength());
        try (var incoming = ModelExport.load(input.directory()); var chosen = ModelExport.load(export)) {
            EvalResult incomingTest = QuantizedTraining.testWithAnswers(incoming, data.test());
            EvalResult chosenTest = QuantizedTraining.testWithAnswers(chosen, data.test());
            QuantizedTraining.putIfMeasured(stats, "chosen_test_loss", chosenTest.loss());
            QuantizedTraining.putIfMeasured(stats, "incoming_test_loss", incomingTest.loss());
            QuantizedTraining.putIfMeasured(stats, "chosen_test_exact_match", chosenTest.exactMatch());
            QuantizedTraining.putIfMeasured(stats, "incoming_test_exact_match", incomingTest.exactMatch());
            stats.put("test_exact_match_examples", chosenTest.examples());
            stats.put("chosen_parameters", chosen.parameterCount());
            stats.put("incoming_parameters", incoming.parameterCount());
            stats.put("incoming_config", Map.of("layers", incoming.config().layers(), "d_model", incoming.config().dModel(),
                    "heads", incoming.config().heads(), "ffn_size", incoming.config().ffnSize(),
                    "tied_head", incoming.config().tiedHead(), "quantization", incoming.config().quantization().name().toLowerCase()));
            double chosenLatency = ForwardLatency.measure(chosen, ArchitectureFitness.LATENCY_BATCH, tokens,
                    ArchitectureFitness.LATENCY_WARMUPS, latencyRuns).medianMillis();
            double incomingLatency = ForwardLatency.measure(incoming, ArchitectureFitness.LATENCY_BATCH, tokens,
                    ArchitectureFitness.LATENCY_WARMUPS, latencyRuns).medianMillis();
            stats.put("chosen_latency_ms", chosenLatency);
            stats.put("incoming_latency_ms", incomingLatency);
            stats.put("measured_by", ArchitectureFitness.measuringProcess());
            if (toolUseExamples > 0) {
                // Tool/Persona's measure on its held-out problems, so that the numbers carry on from that phase's.
                var problems = ToolProblems.heldOut(Split.TEST, toolUseExamples);
                var calculator = new Calculator();
                stats.put("incoming_tool_use", ToolUseEvaluation.tools(incoming, calculator, problems,
                        ToolPersonaRun.TOOL_ANSWER_TOKENS).summary());
                stats.put("chosen_tool_use", ToolUseEvaluation.tools(chosen, calculator, problems,
                        ToolPersonaRun.TOOL_ANSWER_TOKENS).summary());
            }
            stats.put("still_ternary", chosen.config().quantization() == Quantization.TERNARY
                    && QuantizationReport.of(chosen).ternary());
            var metrics = new LinkedHashMap<String, Double>();
            metrics.put("test_loss", chosenTest.loss());
            metrics.put("incoming_test_loss", incomingTest.loss());
            metrics.put("test_exact_match", chosenTest.exactMatch());
            metrics.put("parameter_count", (double) chosen.parameterCount());
            metrics.put("latency_ms", chosenLatency);
            metrics.values().removeIf(v -> !Double.isFinite(v));
            return metrics;
        }
    }

    private static int own(PhaseParameters parameters, String name) {
        return ((Number) parameters.own().get(name)).intValue();
    }

    /** The distillation's steps, counted after the search's work units. */
    private static final class DistillProgress implements ModelTrainer.StepListener {
        private final WorkerChannel channel;
        private final int offset;
        private final int totalWork;
        private volatile int lastStep;

        DistillProgress(WorkerChannel channel, int offset, int totalWork) {
            this.channel = channel;
            this.offset = offset;
            this.totalWork = totalWork;
        }

        @Override
        public void onStart(int resumedFromStep) {
            lastStep = resumedFromStep;
        }

        @Override
        public void onStep(int step, Map<String, Double> metrics) {
            lastStep = step;
            channel.send(new WorkerMessage.Progress(offset + step, totalWork, "distilling the chosen architecture: step "
                    + step + " of " + (totalWork - offset), new LinkedHashMap<>(metrics)));
        }

        @Override
        public void onCheckpoint(int step) {
            channel.send(new WorkerMessage.Checkpointed(offset + step));
        }
    }
}
