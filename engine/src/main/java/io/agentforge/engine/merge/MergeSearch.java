package io.agentforge.engine.merge;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * The evolutionary search over merge recipes (PHASES.md 1.4): a (μ+λ) genetic algorithm. Generation 0 holds the
 * parents themselves (one-hot linear genomes), their uniform soup and random genomes; every later generation breeds
 * {@code population} children by tournament selection, uniform crossover and Gaussian mutation, and keeps the best
 * {@code population} of parents and children together (elitism: the best fitness never falls), each distinct merge
 * once.
 *
 * <p>Fitness is the caller's function (the phase passes −loss on {@code select}) and is called once per distinct
 * canonical genome: repeats are answered from a cache. The run is deterministic for a seed, so a crashed run resumes
 * by replaying with the evaluations it had finished: they fill the cache and are not computed again. To stop between
 * evaluations, throw from the fitness function or the listener.
 */
public final class MergeSearch {

    private static final double WEIGHT_FLOOR = 1e-3;
    /** Span of the weight logits that mutation steps are scaled by: ln(1e-3) ≈ −7 to 0. */
    private static final double LOGIT_RANGE = 7;
    private static final Comparator<Scored> BEST_FIRST = Comparator
            .comparingDouble((Scored s) -> Double.isNaN(s.fitness) ? Double.NEGATIVE_INFINITY : s.fitness).reversed()
            .thenComparingInt(s -> s.order);

    /**
     * @param generations        generations including generation 0; about generations × population candidates
     * @param population         μ = λ; at least the parents plus the soup
     * @param models             parents to merge
     * @param layerGroups        weight vectors per genome (1: one for the whole model)
     * @param tournamentSize     candidates drawn per parent selection
     * @param crossoverRate      chance that a child mixes two parents' genes instead of copying one
     * @param mutationScale      standard deviation of a mutation step as a share of each gene's range (0: no mutation)
     * @param methodMutationRate chance that a child switches method (and SLERP pair)
     */
    public record Settings(int generations, int population, List<MergeMethod> methods, long seed, int models, int layerGroups,
                           int tournamentSize, double crossoverRate, double mutationScale, double methodMutationRate) {

        public Settings {
            if (generations < 1) {
                throw new IllegalArgumentException("generations: must be at least 1, was " + generations);
            }
            if (models < 2) {
                throw new IllegalArgumentException("models: a merge needs at least two parents, was " + models);
            }
            if (population < models + 1) {
                throw new IllegalArgumentException("population: must hold the " + models + " parents and their soup, was " + population);
            }
            if (methods == null || methods.isEmpty()) {
                throw new IllegalArgumentException("methods: at least one merge method is needed");
            }
            methods = List.copyOf(methods);
            if (layerGroups < 1) {
                throw new IllegalArgumentException("layer_groups: must be at least 1, was " + layerGroups);
            }
            if (tournamentSize < 1) {
                throw new IllegalArgumentException("tournament_size: must be at least 1, was " + tournamentSize);
            }
            rate("crossover_rate", crossoverRate);
            rate("method_mutation_rate", methodMutationRate);
            if (!(mutationScale >= 0 && mutationScale <= 1)) {
                throw new IllegalArgumentException("mutation_scale: must be in [0, 1], was " + mutationScale);
            }
        }

        /** The phase's defaults: 10 generations of 8 over three parents, every method, one layer group. */
        public static Settings defaults(long seed) {
            return new Settings(10, 8, List.of(MergeMethod.values()), seed, 3, 1, 2, 0.5, 0.1, 0.15);
        }

        public Settings withGenerations(int value) {
            return new Settings(value, population, methods, seed, models, layerGroups, tournamentSize, crossoverRate, mutationScale, methodMutationRate);
        }

        public Settings withPopulation(int value) {
            return new Settings(generations, value, methods, seed, models, layerGroups, tournamentSize, crossoverRate, mutationScale, methodMutationRate);
        }

        public Settings withMethods(List<MergeMethod> value) {
            return new Settings(generations, population, value, seed, models, layerGroups, tournamentSize, crossoverRate, mutationScale, methodMutationRate);
        }

        public Settings withLayerGroups(int value) {
            return new Settings(generations, population, methods, seed, models, value, tournamentSize, crossoverRate, mutationScale, methodMutationRate);
        }

        public Settings withVariation(double crossover, double mutation, double methodMutation) {
            return new Settings(generations, population, methods, seed, models, layerGroups, tournamentSize, crossover, mutation, methodMutation);
        }

        private static void rate(String field, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(field + ": must be in [0, 1], was " + value);
            }
        }
    }

    /** One computed fitness; {@code genome} is canonical. Persist these to resume a crashed run. */
    public record Evaluation(
            @JsonProperty("generation") int generation,
            @JsonProperty("candidate") int candidate,
            @JsonProperty("genome") MergeGenome genome,
            @JsonProperty("fitness") double fitness) {
    }

    /** A {@code fitness_history} entry: the population kept at the end of a generation. */
    public record GenerationStats(
            @JsonProperty("generation") int generation,
            @JsonProperty("best") double best,
            @JsonProperty("mean") double mean,
            @JsonProperty("median") double median,
            @JsonProperty("best_genome") MergeGenome bestGenome) {
    }

    /** Where the search is, after a fresh evaluation: best, mean and median over every evaluation so far. */
    public record Progress(int generation, int candidate, int evaluations, double best, double mean, double median) {
    }

    @FunctionalInterface
    public interface Listener {
        /** Called after each fitness computation (not for cache hits). Throwing stops the search. */
        void evaluated(Evaluation evaluation, Progress progress);
    }

    /**
     * @param evaluations every distinct genome evaluated (resumed ones included), in order
     * @param candidates  genomes the search asked about, cache hits included
     * @param computed    fitness computations in this run (resumed and cached answers excluded)
     */
    public record Result(MergeGenome best, double bestFitness, List<GenerationStats> fitnessHistory, List<Evaluation> evaluations,
                         int candidates, int computed) {
    }

    private record Scored(MergeGenome genome, double fitness, int order) {
    }

    private final Settings settings;

    public MergeSearch(Settings settings) {
        this.settings = settings;
    }

    public Result run(ToDoubleFunction<MergeGenome> fitness) {
        return run(fitness, List.of(), (evaluation, progress) -> { });
    }

    /** Runs the search; {@code done} are evaluations of an earlier, interrupted run with the same settings. */
    public Result run(ToDoubleFunction<MergeGenome> fitness, List<Evaluation> done, Listener listener) {
        var run = new Run(fitness, done, listener);
        var random = new Random(settings.seed());
        var population = new ArrayList<Scored>();
        var generation0 = new ArrayList<MergeGenome>();
        for (int i = 0; i < settings.models(); i++) {
            generation0.add(spread(MergeGenome.parent(i, settings.models())));
        }
        generation0.add(spread(MergeGenome.uniformSoup(settings.models())));
        while (generation0.size() < settings.population()) {
            generation0.add(randomGenome(random));
        }
        for (MergeGenome genome : generation0) {
            population.add(run.score(0, genome));
        }
        population.sort(BEST_FIRST);
        var history = new ArrayList<GenerationStats>();
        history.add(stats(0, population));
        for (int g = 1; g < settings.generations(); g++) {
            var children = new ArrayList<Scored>();
            for (int c = 0; c < settings.population(); c++) {
                MergeGenome first = tournament(population, random).genome;
                MergeGenome second = tournament(population, random).genome;
                MergeGenome child = mutate(crossover(first, second, random), random);
                children.add(run.score(g, child));
            }
            // A child that merges exactly like a kept genome would only take a second slot for the same model.
            var kept = new HashSet<MergeGenome>();
            population.forEach(s -> kept.add(s.genome.canonical()));
            for (Scored child : children) {
                if (kept.add(child.genome.canonical())) {
                    population.add(child);
                }
            }
            population.sort(BEST_FIRST);
            if (population.size() > settings.population()) {
                population.subList(settings.population(), population.size()).clear();
            }
            history.add(stats(g, population));
        }
        Scored best = population.getFirst();
        return new Result(best.genome.canonical(), best.fitness, history, List.copyOf(run.evaluations), run.candidates, run.computed);
    }

    /** The cache, the evaluation log and the listener of one run. */
    private final class Run {
        private final ToDoubleFunction<MergeGenome> fitness;
        private final Map<MergeGenome, Double> resumed = new HashMap<>();
        private final Map<MergeGenome, Double> cache = new HashMap<>();
        private final List<Evaluation> evaluations = new ArrayList<>();
        private final Listener listener;
        private int candidates;
        private int computed;
        private int order;

        Run(ToDoubleFunction<MergeGenome> fitness, List<Evaluation> done, Listener listener) {
            this.fitness = fitness;
            this.listener = listener;
            done.forEach(e -> resumed.put(e.genome().canonical(), e.fitness()));
        }

        Scored score(int generation, MergeGenome genome) {
            int candidate = candidates++;
            MergeGenome key = genome.canonical();
            Double value = cache.get(key);
            if (value == null) {
                value = resumed.get(key);
                boolean fresh = value == null;
                if (fresh) {
                    value = fitness.applyAsDouble(key);
                    computed++;
                }
                cache.put(key, value);
                var evaluation = new Evaluation(generation, candidate, key, value);
                evaluations.add(evaluation);
                if (fresh) {
                    listener.evaluated(evaluation, progress(generation, candidate));
                }
            }
            return new Scored(genome, value, order++);
        }

        private Progress progress(int generation, int candidate) {
            double[] values = evaluations.stream().mapToDouble(Evaluation::fitness).filter(Double::isFinite).sorted().toArray();
            return new Progress(generation, candidate, evaluations.size(), max(values), mean(values), median(values));
        }
    }

    private GenerationStats stats(int generation, List<Scored> population) {
        double[] values = population.stream().mapToDouble(Scored::fitness).filter(Double::isFinite).sorted().toArray();
        return new GenerationStats(generation, max(values), mean(values), median(values), population.getFirst().genome.canonical());
    }

    private Scored tournament(List<Scored> population, Random random) {
        Scored winner = null;
        for (int i = 0; i < settings.tournamentSize(); i++) {
            Scored drawn = population.get(random.nextInt(population.size()));
            if (winner == null || BEST_FIRST.compare(drawn, winner) < 0) {
                winner = drawn;
            }
        }
        return winner;
    }

    private MergeGenome randomGenome(Random random) {
        var methods = settings.methods();
        MergeMethod method = methods.get(random.nextInt(methods.size()));
        var weights = new ArrayList<List<Double>>();
        for (int g = 0; g < settings.layerGroups(); g++) {
            double[] logits = new double[settings.models()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = random.nextGaussian();
            }
            weights.add(softmax(logits));
        }
        return new MergeGenome(method, weights,
                uniform(random, MergeGenome.LAMBDA_MIN, MergeGenome.LAMBDA_MAX),
                uniform(random, MergeGenome.DENSITY_MIN, MergeGenome.DENSITY_MAX),
                uniform(random, MergeGenome.DROP_MIN, MergeGenome.DROP_MAX),
                random.nextDouble(), randomPair(random));
    }

    /** Uniform crossover gene by gene (a weight vector is one gene), or a copy of the first parent. */
    private MergeGenome crossover(MergeGenome a, MergeGenome b, Random random) {
        if (random.nextDouble() >= settings.crossoverRate()) {
            return a;
        }
        var weights = new ArrayList<List<Double>>();
        for (int g = 0; g < a.layerGroups(); g++) {
            weights.add((random.nextBoolean() ? a : b).weights().get(g));
        }
        return new MergeGenome((random.nextBoolean() ? a : b).method(), weights,
                (random.nextBoolean() ? a : b).lambda(), (random.nextBoolean() ? a : b).density(),
                (random.nextBoolean() ? a : b).drop(), (random.nextBoolean() ? a : b).slerpT(),
                (random.nextBoolean() ? a : b).slerpPair());
    }

    private MergeGenome mutate(MergeGenome genome, Random random) {
        MergeMethod method = genome.method();
        List<Integer> pair = genome.slerpPair();
        if (random.nextDouble() < settings.methodMutationRate() || !settings.methods().contains(method)) {
            method = settings.methods().get(random.nextInt(settings.methods().size()));
            pair = randomPair(random);
        }
        double scale = settings.mutationScale();
        if (scale == 0) {
            return new MergeGenome(method, genome.weights(), genome.lambda(), genome.density(), genome.drop(), genome.slerpT(), pair);
        }
        var weights = new ArrayList<List<Double>>();
        for (List<Double> group : genome.weights()) {
            double[] logits = new double[group.size()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = Math.log(Math.max(group.get(i), WEIGHT_FLOOR)) + random.nextGaussian() * scale * LOGIT_RANGE;
            }
            weights.add(softmax(logits));
        }
        return new MergeGenome(method, weights,
                step(genome.lambda(), MergeGenome.LAMBDA_MIN, MergeGenome.LAMBDA_MAX, random),
                step(genome.density(), MergeGenome.DENSITY_MIN, MergeGenome.DENSITY_MAX, random),
                step(genome.drop(), MergeGenome.DROP_MIN, MergeGenome.DROP_MAX, random),
                step(genome.slerpT(), 0, 1, random), pair);
    }

    /** A Gaussian step of {@code mutationScale} × range, reflected back into [lo, hi]. */
    private double step(double value, double lo, double hi, Random random) {
        double span = hi - lo;
        double x = value + random.nextGaussian() * settings.mutationScale() * span - lo;
        x = Math.abs(x) % (2 * span);
        return lo + (x > span ? 2 * span - x : x);
    }

    private List<Integer> randomPair(Random random) {
        int first = random.nextInt(settings.models());
        int second = random.nextInt(settings.models() - 1);
        return List.of(first, second >= first ? second + 1 : second);
    }

    /** Repeats a one-group genome's weights over the configured layer groups. */
    private MergeGenome spread(MergeGenome genome) {
        var weights = Collections.nCopies(settings.layerGroups(), genome.weights().getFirst());
        return new MergeGenome(genome.method(), weights, genome.lambda(), genome.density(), genome.drop(), genome.slerpT(), genome.slerpPair());
    }

    static List<Double> softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] e = Arrays.stream(logits).map(z -> Math.exp(z - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).boxed().toList();
    }

    private static double uniform(Random random, double lo, double hi) {
        return lo + random.nextDouble() * (hi - lo);
    }

    private static double max(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    private static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
