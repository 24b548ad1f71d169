package io.agentforge.engine.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002) over genomes of type {@code G}, all objectives minimised:
 * a random population, then per generation {@code population} children by crowded binary tournament, crossover and
 * mutation; parents and children together are sorted into fronts and the next population is filled front by front,
 * the last front cut by crowding distance (elitist replacement). A genome that is already in the union is kept once.
 *
 * <p>Objectives are computed a generation at a time, only for genomes never evaluated before (the cache), so that a
 * phase can hand a generation's candidates to several workers. Deterministic for a seed; a crashed run resumes by
 * replaying with its finished evaluations.
 */
public final class Nsga2<G> {

    /**
     * @param generations generations including the random first one
     * @param reference   the fixed reference point of the hypervolume history (null: no history)
     */
    public record Settings(int population, int generations, long seed, double[] reference) {

        public Settings {
            if (population < 2) {
                throw new IllegalArgumentException("population: must be at least 2, was " + population);
            }
            if (generations < 1) {
                throw new IllegalArgumentException("generations: must be at least 1, was " + generations);
            }
            reference = reference == null ? null : reference.clone();
        }
    }

    /** The objective vectors of a batch of genomes, in order. */
    @FunctionalInterface
    public interface Objectives<G> {
        List<double[]> evaluate(List<G> genomes);

        /** One genome at a time. */
        static <G> Objectives<G> each(Function<G, double[]> objective) {
            return genomes -> genomes.stream().map(objective).toList();
        }
    }

    /** One evaluated genome; {@code generation} is when it was first evaluated. */
    public record Evaluated<G>(G genome, double[] objectives, int generation) {

        public Evaluated {
            objectives = objectives.clone();
        }
    }

    @FunctionalInterface
    public interface Listener<G> {
        /**
         * After each generation: its population (best first: by front, then crowding) and every evaluation so far.
         * {@code hypervolume} is that of every evaluation so far (NaN without a reference point). Throwing stops the search.
         */
        void generationDone(int generation, List<Evaluated<G>> population, List<Evaluated<G>> evaluations, double hypervolume);
    }

    /**
     * @param evaluations        every distinct genome evaluated, in order (resumed ones included)
     * @param population         the last population, best first
     * @param front              the non-dominated points among all evaluations
     * @param hypervolumeHistory per generation, of all points evaluated so far (empty without a reference point)
     * @param computed           genomes evaluated by this run (cached and resumed ones excluded)
     */
    public record Result<G>(List<Evaluated<G>> evaluations, List<Evaluated<G>> population, List<Evaluated<G>> front,
                            List<Double> hypervolumeHistory, int computed) {
    }

    private record Ranked<G>(Evaluated<G> point, int rank, double crowding) {
    }

    private final Settings settings;
    private final Variation<G> variation;

    public Nsga2(Settings settings, Variation<G> variation) {
        this.settings = settings;
        this.variation = variation;
    }

    public Result<G> run(Objectives<G> objectives) {
        return run(objectives, List.of(), (g, p, e, h) -> { });
    }

    public Result<G> run(Objectives<G> objectives, List<Evaluated<G>> done, Listener<G> listener) {
        var random = new Random(settings.seed());
        var cache = new Cache(objectives, done);
        var first = new ArrayList<G>();
        for (int i = 0; i < settings.population(); i++) {
            first.add(variation.random(random));
        }
        var population = rank(unique(cache.evaluate(first, 0)), settings.population());
        var hypervolumes = new ArrayList<Double>();
        report(0, population, cache, hypervolumes, listener);
        for (int g = 1; g < settings.generations(); g++) {
            var children = new ArrayList<G>();
            while (children.size() < settings.population()) {
                G a = tournament(population, random).point.genome();
                G b = tournament(population, random).point.genome();
                for (G child : variation.crossover(a, b, random)) {
                    if (children.size() < settings.population()) {
                        children.add(variation.mutate(child, random));
                    }
                }
            }
            var union = new ArrayList<Evaluated<G>>();
            population.forEach(r -> union.add(r.point));
            union.addAll(cache.evaluate(children, g));
            population = rank(unique(union), settings.population());
            report(g, population, cache, hypervolumes, listener);
        }
        var all = List.copyOf(cache.evaluations);
        var front = List.copyOf(cache.front);
        return new Result<>(all, population.stream().map(Ranked::point).toList(), front, List.copyOf(hypervolumes), cache.computed);
    }

    private void report(int generation, List<Ranked<G>> population, Cache cache, List<Double> hypervolumes, Listener<G> listener) {
        double hv = Double.NaN;
        if (settings.reference() != null) {
            hv = Hypervolume.of(cache.front.stream().map(Evaluated::objectives).toList(), settings.reference());
            hypervolumes.add(hv);
        }
        listener.generationDone(generation, population.stream().map(Ranked::point).toList(), List.copyOf(cache.evaluations), hv);
    }

    /** The best {@code size} of {@code points} by front and then crowding distance, best first. */
    private List<Ranked<G>> rank(List<Evaluated<G>> points, int size) {
        var fronts = Pareto.fronts(points.stream().map(Evaluated::objectives).toList());
        var kept = new ArrayList<Ranked<G>>();
        for (int r = 0; r < fronts.size() && kept.size() < size; r++) {
            List<Integer> front = fronts.get(r);
            double[] crowding = Pareto.crowdingDistance(front.stream().map(i -> points.get(i).objectives()).toList());
            var members = new ArrayList<Ranked<G>>();
            for (int k = 0; k < front.size(); k++) {
                members.add(new Ranked<>(points.get(front.get(k)), r, crowding[k]));
            }
            // Stable: among equal distances the earlier point stays, which keeps a run deterministic.
            members.sort(Comparator.comparingDouble((Ranked<G> m) -> m.crowding).reversed());
            kept.addAll(members.subList(0, Math.min(members.size(), size - kept.size())));
        }
        return kept;
    }

    /** Crowded binary tournament: the lower front wins, then the larger crowding distance. */
    private Ranked<G> tournament(List<Ranked<G>> population, Random random) {
        Ranked<G> a = population.get(random.nextInt(population.size()));
        Ranked<G> b = population.get(random.nextInt(population.size()));
        if (a.rank != b.rank) {
            return a.rank < b.rank ? a : b;
        }
        if (a.crowding != b.crowding) {
            return a.crowding > b.crowding ? a : b;
        }
        return random.nextBoolean() ? a : b;
    }

    private List<Evaluated<G>> unique(List<Evaluated<G>> points) {
        var byGenome = new LinkedHashMap<G, Evaluated<G>>();
        points.forEach(p -> byGenome.putIfAbsent(p.genome(), p));
        return new ArrayList<>(byGenome.values());
    }

    /** Evaluations by genome, computed a batch at a time; resumed ones are replayed, not recomputed. */
    private final class Cache {
        private final Objectives<G> objectives;
        private final Map<G, double[]> resumed = new HashMap<>();
        private final Map<G, Evaluated<G>> known = new HashMap<>();
        private final List<Evaluated<G>> evaluations = new ArrayList<>();
        /** The non-dominated evaluations so far, kept as they arrive (the whole log grows to thousands on a test problem). */
        private final List<Evaluated<G>> front = new ArrayList<>();
        private int computed;

        Cache(Objectives<G> objectives, List<Evaluated<G>> done) {
            this.objectives = objectives;
            done.forEach(e -> resumed.put(e.genome(), e.objectives()));
        }

        List<Evaluated<G>> evaluate(List<G> genomes, int generation) {
            var fresh = new ArrayList<G>();
            var missing = new ArrayList<G>();
            for (G genome : new LinkedHashSet<>(genomes)) {
                if (!known.containsKey(genome)) {
                    fresh.add(genome);
                    if (!resumed.containsKey(genome)) {
                        missing.add(genome);
                    }
                }
            }
            var computedNow = new HashMap<G, double[]>();
            if (!missing.isEmpty()) {
                List<double[]> values = objectives.evaluate(List.copyOf(missing));
                if (values.size() != missing.size()) {
                    throw new IllegalStateException("objectives: " + values.size() + " results for " + missing.size() + " genomes");
                }
                for (int i = 0; i < missing.size(); i++) {
                    double[] v = values.get(i);
                    if (Arrays.stream(v).anyMatch(x -> !Double.isFinite(x))) {
                        throw new IllegalStateException("objectives: not finite for " + missing.get(i) + ": " + Arrays.toString(v)
                                + " (map a diverged run to a large finite loss)");
                    }
                    computedNow.put(missing.get(i), v);
                }
                computed += missing.size();
            }
            // In the order asked, whether replayed or computed, so that a resumed run logs as the first one did.
            for (G genome : fresh) {
                double[] v = computedNow.containsKey(genome) ? computedNow.get(genome) : resumed.get(genome);
                remember(new Evaluated<>(genome, v, generation));
            }
            return genomes.stream().map(known::get).toList();
        }

        private void remember(Evaluated<G> evaluated) {
            known.put(evaluated.genome(), evaluated);
            evaluations.add(evaluated);
            double[] v = evaluated.objectives();
            if (front.stream().noneMatch(f -> Pareto.dominates(f.objectives(), v))) {
                front.removeIf(f -> Pareto.dominates(v, f.objectives()));
                front.add(evaluated);
            }
        }
    }
}
