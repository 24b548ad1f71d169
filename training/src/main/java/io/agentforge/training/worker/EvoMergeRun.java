package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.merge.MergeGenome;
import io.agentforge.engine.merge.MergeMethod;
import io.agentforge.engine.merge.MergeSearch;
import io.agentforge.engine.model.LanguageModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The EvoMerge phase (PHASES.md section 1): Cognate's models are merged relative to their shared ancestor, the recipe
 * is searched by {@link MergeSearch} with fitness = −loss on {@code select}, and the winner is measured on
 * {@code test} against its parents, their uniform soup and the ancestor. Every fitness evaluation is logged in the job
 * directory as it finishes ({@link EvaluationLog}); a worker started again replays the search with them, so a pause
 * or a crash costs at most the evaluation under way.
 */
public final class EvoMergeRun {
    static final String WINNER = "evomerge-winner";
    static final String ANCESTOR_ROLE = "ancestor";

    private final WorkerChannel channel;

    public EvoMergeRun(WorkerChannel channel) {
        this.channel = channel;
    }

    /** Thrown from the search's callbacks when the supervisor asks the worker to stop; ends the search there. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }

    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var own = parameters.own();
        int generations = ((Number) own.get("generations")).intValue();
        int population = ((Number) own.get("population")).intValue();
        int fitnessTokens = ((Number) own.get("fitness_tokens")).intValue();
        var methods = ((List<?>) own.get("methods")).stream().map(m -> MergeMethod.of((String) m)).toList();
        var clock = PhaseClock.start(spec.jobDir());

        var ancestors = context.inputs().stream().filter(i -> ANCESTOR_ROLE.equals(i.role())).toList();
        var parentInputs = context.inputs().stream().filter(i -> !ANCESTOR_ROLE.equals(i.role())).toList();
        if (ancestors.size() != 1 || parentInputs.size() < 2) {
            throw new RunFailure("EvoMerge merges the models Cognate hands over relative to their ancestor: it needs "
                    + "one ancestor and at least two models, and was handed " + ancestors.size() + " ancestor(s) and "
                    + parentInputs.size() + " model(s); run cognate again");
        }
        var fitness = loadModels(parentInputs, ancestors.getFirst());
        // Select and test are fixed by the data set (Cognate's runs share them); the architecture is the parents'.
        var splits = EngineTrainer.data(parameters, fitness.config().contextLength(), parameters.seed(),
                Curriculum.Mix.BALANCED);
        var defaults = MergeSearch.Settings.defaults(parameters.seed());
        var settings = new MergeSearch.Settings(generations, population, methods, parameters.seed(),
                fitness.parents(), defaults.layerGroups(), defaults.tournamentSize(), defaults.crossoverRate(),
                defaults.mutationScale(), defaults.methodMutationRate());

        var log = EvaluationLog.open(spec.jobDir());
        var done = log.read();
        int totalSteps = generations * population;
        channel.send(new WorkerMessage.Started(totalSteps, done.size(), ProcessHandle.current().pid()));
        var listener = new ProgressRelay(log, totalSteps, context.stop(), done.size());
        MergeSearch.Result result;
        try {
            result = new MergeSearch(settings).run(genome -> {
                if (context.stop().getAsBoolean()) {
                    throw new StopRequested();
                }
                return -fitness.loss(genome, "select", splits.select(), fitnessTokens);
            }, done, listener);
        } catch (StopRequested e) {
            channel.send(new WorkerMessage.Stopped(listener.evaluations));
            return WorkerMain.EXIT_STOPPED;
        }

        var winnerExport = exportWinner(spec.jobDir(), fitness, result.best());
        var stats = phaseStats(context, fitness, splits, result, fitnessTokens, parentInputs);
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var metadata = new LinkedHashMap<>(parameters.asMap());
        metadata.put("merge_genome", Json.mapper().convertValue(result.best(), Map.class));
        metadata.put("parameter_count", parameterCount(fitness));
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("test_loss", (Double) stats.get("winner_test_loss"));
        metrics.put("select_loss", -result.bestFitness());
        metrics.put("fitness", result.bestFitness());
        var lineage = new ArrayList<String>();
        parentInputs.forEach(input -> lineage.add(input.modelId()));
        lineage.add(ancestors.getFirst().modelId());
        var winner = new WorkerMessage.Artifact(WINNER, "model", winnerExport, null, metadata, metrics, lineage);
        channel.send(new WorkerMessage.Completed(result.evaluations().size(), List.of(winner), metrics));
        return WorkerMain.EXIT_COMPLETED;
    }

    private static MergeFitness loadModels(List<InputModel> parentInputs, InputModel ancestorInput) throws IOException {
        var loaded = new ArrayList<LanguageModel>();
        try {
            for (var input : parentInputs) {
                loaded.add(ModelExport.load(input.directory()));
            }
            var ancestor = ModelExport.load(ancestorInput.directory());
            loaded.add(ancestor);
            try {
                return new MergeFitness(loaded.subList(0, parentInputs.size()), ancestor);
            } catch (IllegalArgumentException e) {
                throw new RunFailure("the models handed to EvoMerge cannot be merged: " + e.getMessage());
            }
        } finally {
            loaded.forEach(LanguageModel::close);
        }
    }

    /** The winner, merged once more from its genome and exported (once: a restarted worker finds it there). */
    private static Path exportWinner(Path jobDir, MergeFitness fitness, MergeGenome genome) throws IOException {
        var dir = jobDir.resolve("winner");
        var export = dir.resolve(CognateRun.EXPORT);
        if (!Files.isDirectory(export)) {
            var temporary = dir.resolve(CognateRun.EXPORT + ".tmp");
            CognateRun.deleteRecursively(temporary);
            Files.createDirectories(dir);
            try (var model = fitness.merged(genome)) {
                ModelExport.save(model, null, temporary);
            }
            Files.move(temporary, export, StandardCopyOption.ATOMIC_MOVE);
        }
        return export;
    }

    /**
     * The proof numbers of PHASES.md 1.4, all measured here: test losses of the winner, each parent, their uniform
     * soup and the ancestor (the same {@code test} tokens for each); {@code delta_best} against the parent best on
     * test, whatever its sign; and the interpolation barrier of the first two parents on {@code select}.
     */
    private static Map<String, Object> phaseStats(PhaseContext context, MergeFitness fitness,
                                                  DatasetSplits splits,
                                                  MergeSearch.Result result, int fitnessTokens,
                                                  List<InputModel> parentInputs) {
        var parameters = context.spec().parameters();
        int testTokens = EvalSettings.DEFAULT_TOKEN_BUDGET;
        int n = fitness.parents();
        var known = new HashMap<MergeGenome, Double>();
        result.evaluations().forEach(e -> known.put(e.genome(), -e.fitness()));
        Function<MergeGenome, Double> selectLoss = genome -> known.computeIfAbsent(
                genome.canonical(), g -> fitness.loss(g, "select", splits.select(), fitnessTokens));

        var parents = new ArrayList<Map<String, Object>>();
        var parentTestLosses = new LinkedHashMap<String, Object>();
        var parentTests = new ArrayList<Double>();
        for (int i = 0; i < n; i++) {
            var input = parentInputs.get(i);
            double test = fitness.loss(MergeGenome.parent(i, n), "test", splits.test(), testTokens);
            parentTests.add(test);
            parentTestLosses.put(input.modelId(), test);
            var parent = new LinkedHashMap<String, Object>();
            parent.put("index", i);
            parent.put("model_id", input.modelId());
            parent.put("name", input.name());
            parent.put("select_loss", selectLoss.apply(MergeGenome.parent(i, n)));
            parent.put("test_loss", test);
            parents.add(parent);
        }
        double winnerTest = fitness.loss(result.best(), "test", splits.test(), testTokens);

        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "evomerge");
        stats.put("input_models", context.inputs().stream()
                .map(i -> Map.of("model_id", i.modelId(), "checksum", i.checksum(), "role", i.role())).toList());
        stats.put("split_hashes", splits.hashes());
        stats.put("parameters", parameters.asMap());
        stats.put("wall_time_seconds", 0.0);
        stats.put("fitness_history", result.fitnessHistory());
        stats.put("evaluations", result.evaluations());
        stats.put("evaluation_count", result.evaluations().size());
        stats.put("winner_genome", result.best());
        stats.put("winner_fitness", result.bestFitness());
        stats.put("winner_select_loss", -result.bestFitness());
        stats.put("winner_test_loss", winnerTest);
        stats.put("parents", parents);
        stats.put("parent_test_losses", parentTestLosses);
        stats.put("soup_test_loss", fitness.loss(MergeGenome.uniformSoup(n), "test", splits.test(), testTokens));
        stats.put("ancestor_test_loss", fitness.ancestorLoss("test", splits.test(), testTokens));
        stats.putAll(testComparison(winnerTest, parentTests));
        var midpoint = new double[n];
        midpoint[0] = 0.5;
        midpoint[1] = 0.5;
        double between = selectLoss.apply(MergeGenome.linear(midpoint));
        stats.put("barrier", between - (selectLoss.apply(MergeGenome.parent(0, n))
                + selectLoss.apply(MergeGenome.parent(1, n))) / 2);
        stats.put("barrier_models", List.of(parentInputs.get(0).modelId(), parentInputs.get(1).modelId()));
        stats.put("fitness_tokens", fitnessTokens);
        stats.put("test_tokens", testTokens);
        stats.put("winner_artifact", WINNER);
        stats.put("winner_rule", "highest fitness (lowest select loss) of the search");
        return stats;
    }

    /**
     * {@code best_parent_test_loss} and {@code delta_best} = L_test(best parent) − L_test(winner): positive when the
     * merge beat every parent on test, negative when the search's pick (on select) is worse there, and reported
     * either way.
     */
    static Map<String, Object> testComparison(double winnerTestLoss, List<Double> parentTestLosses) {
        double best = parentTestLosses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        var comparison = new LinkedHashMap<String, Object>();
        comparison.put("best_parent_index", parentTestLosses.indexOf(best));
        comparison.put("best_parent_test_loss", best);
        comparison.put("delta_best", best - winnerTestLoss);
        comparison.put("winner_beats_best_parent", best - winnerTestLoss > 0);
        return comparison;
    }

    private static long parameterCount(MergeFitness fitness) {
        try (var model = fitness.merged(MergeGenome.parent(0, fitness.parents()))) {
            return model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
        }
    }

    /** Logs each fresh evaluation, reports it as progress, and stops the search when the supervisor asks. */
    private final class ProgressRelay implements MergeSearch.Listener {
        private final EvaluationLog<MergeSearch.Evaluation> log;
        private final int totalSteps;
        private final BooleanSupplier stop;
        private final long startNanos = System.nanoTime();
        private final int resumed;
        private int evaluations;

        ProgressRelay(EvaluationLog<MergeSearch.Evaluation> log, int totalSteps, BooleanSupplier stop, int resumed) {
            this.log = log;
            this.totalSteps = totalSteps;
            this.stop = stop;
            this.resumed = resumed;
            this.evaluations = resumed;
        }

        @Override
        public void evaluated(MergeSearch.Evaluation evaluation, MergeSearch.Progress progress) {
            try {
                log.append(evaluation);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            evaluations = progress.evaluations();
            var metrics = new LinkedHashMap<String, Double>();
            metrics.put("generation", (double) evaluation.generation());
            metrics.put("candidate", (double) evaluation.candidate());
            metrics.put("fitness", evaluation.fitness());
            metrics.put("select_loss", -evaluation.fitness());
            metrics.put("best_fitness", progress.best());
            metrics.put("mean_fitness", progress.mean());
            metrics.put("median_fitness", progress.median());
            metrics.put("evaluations", (double) progress.evaluations());
            int fresh = progress.evaluations() - resumed;
            double perEvaluation = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, fresh);
            // An upper bound: repeats of a genome are answered from the cache and never cost an evaluation.
            metrics.put("eta_seconds", perEvaluation * Math.max(0, totalSteps - progress.evaluations()));
            channel.send(new WorkerMessage.Progress(progress.evaluations(), totalSteps, "generation "
                    + evaluation.generation() + ", candidate " + evaluation.candidate() + ": fitness "
                    + String.format("%.4f", evaluation.fitness()) + ", best " + String.format("%.4f", progress.best()),
                    metrics));
            if (stop.getAsBoolean()) {
                throw new StopRequested();
            }
        }
    }
}
