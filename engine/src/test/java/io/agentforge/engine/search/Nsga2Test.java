package io.agentforge.engine.search;

import io.agentforge.engine.search.Nsga2.Evaluated;
import io.agentforge.engine.search.Nsga2.Objectives;
import io.agentforge.engine.search.Nsga2.Settings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Nsga2Test {

    private static final int ZDT1_VARIABLES = 30;

    /** ZDT1: f1 = x1, f2 = g·(1 − √(x1/g)), g = 1 + 9·mean(x2..xn); the front is g = 1, f2 = 1 − √f1. */
    private static double[] zdt1(List<Double> x) {
        double f1 = x.getFirst();
        double sum = 0;
        for (int i = 1; i < x.size(); i++) {
            sum += x.get(i);
        }
        double g = 1 + 9 * sum / (x.size() - 1);
        return new double[]{f1, g * (1 - Math.sqrt(f1 / g))};
    }

    private static RealVectorVariation unitCube(int n) {
        double[] lower = new double[n];
        double[] upper = new double[n];
        java.util.Arrays.fill(upper, 1);
        return RealVectorVariation.standard(lower, upper);
    }

    @Test
    void recoversTheZdt1Front() {
        var settings = new Settings(60, 200, 1, new double[]{1.1, 1.1});
        var result = new Nsga2<>(settings, unitCube(ZDT1_VARIABLES)).run(Objectives.each(Nsga2Test::zdt1));
        var front = result.front();
        assertThat(front.size()).isGreaterThan(50);
        for (var point : front) {
            double f1 = point.objectives()[0];
            assertThat(point.objectives()[1]).as("f2 at f1 = %f", f1).isCloseTo(1 - Math.sqrt(f1), org.assertj.core.api.Assertions.within(0.02));
        }
        double[] f1s = front.stream().mapToDouble(p -> p.objectives()[0]).toArray();
        assertThat(java.util.Arrays.stream(f1s).min().orElseThrow()).isLessThan(0.02);
        assertThat(java.util.Arrays.stream(f1s).max().orElseThrow()).isGreaterThan(0.98);
        // The true front's hypervolume to (1.1, 1.1) is 1.21 − 1 + 2/3 = 0.8767.
        assertThat(Hypervolume.of(front.stream().map(Evaluated::objectives).toList(), new double[]{1.1, 1.1})).isGreaterThan(0.86);
        // A random population of the same size is far from it: the search did the work.
        assertThat(result.hypervolumeHistory().getFirst()).isLessThan(0.6);
    }

    @Test
    void noFrontMemberIsDominatedByAnyEvaluatedPoint() {
        var result = new Nsga2<>(new Settings(20, 10, 4, null), unitCube(5)).run(Objectives.each(Nsga2Test::zdt1));
        assertThat(result.front()).isNotEmpty();
        for (var member : result.front()) {
            assertThat(result.evaluations()).noneMatch(e -> Pareto.dominates(e.objectives(), member.objectives()));
        }
        // And every evaluated point off the front is dominated by a front member.
        for (var e : result.evaluations()) {
            boolean onFront = result.front().contains(e);
            assertThat(onFront || result.front().stream().anyMatch(f -> Pareto.dominates(f.objectives(), e.objectives()))).isTrue();
        }
        assertThat(result.evaluations()).hasSize(result.computed());
    }

    @Test
    void theHypervolumeOfAllPointsSoFarNeverFalls() {
        var result = new Nsga2<>(new Settings(12, 15, 9, new double[]{1.1, 11}), unitCube(8)).run(Objectives.each(Nsga2Test::zdt1));
        var history = result.hypervolumeHistory();
        assertThat(history).hasSize(15);
        for (int g = 1; g < history.size(); g++) {
            assertThat(history.get(g)).isGreaterThanOrEqualTo(history.get(g - 1));
        }
        assertThat(history.getLast()).isGreaterThan(history.getFirst());
    }

    @Test
    void genomesAreEvaluatedOnceAndAGenerationAtATime() {
        // A small integer space, so that children repeat.
        var space = ArchitectureSpace.defaults(64, 16, 2_000_000);
        var batches = new ArrayList<Integer>();
        var asked = new ArrayList<ArchitectureGenome>();
        Objectives<ArchitectureGenome> objectives = genomes -> {
            batches.add(genomes.size());
            asked.addAll(genomes);
            return genomes.stream().map(g -> new double[]{-g.layers() * g.dModel(), space.parameters(g)}).toList();
        };
        var result = new Nsga2<>(new Settings(10, 8, 2, null), space).run(objectives);
        assertThat(asked).doesNotHaveDuplicates();
        assertThat(asked).hasSize(result.computed()).hasSameSizeAs(result.evaluations());
        assertThat(batches).hasSizeLessThanOrEqualTo(8).allSatisfy(b -> assertThat(b).isBetween(1, 10));
        assertThat(result.computed()).isLessThan(80);
        assertThat(result.population()).extracting(Evaluated::genome).doesNotHaveDuplicates();
    }

    @Test
    void aCrashedSearchResumesFromItsFinishedEvaluations() {
        var settings = new Settings(16, 6, 31, new double[]{1.1, 11});
        var full = new Nsga2<>(settings, unitCube(6)).run(Objectives.each(Nsga2Test::zdt1));
        int finished = 40;
        var calls = new AtomicInteger();
        var resumed = new Nsga2<>(settings, unitCube(6)).run(genomes -> {
            calls.addAndGet(genomes.size());
            return genomes.stream().map(Nsga2Test::zdt1).toList();
        }, full.evaluations().subList(0, finished), (g, p, e, h) -> { });
        assertThat(calls.get()).isEqualTo(full.evaluations().size() - finished).isEqualTo(resumed.computed());
        assertThat(resumed.evaluations().stream().map(Evaluated::genome).toList())
                .isEqualTo(full.evaluations().stream().map(Evaluated::genome).toList());
        assertThat(resumed.hypervolumeHistory()).isEqualTo(full.hypervolumeHistory());
    }

    @Test
    void theListenerSeesEachGenerationAndCanStopTheSearch() {
        var generations = new ArrayList<Integer>();
        var settings = new Settings(8, 5, 3, new double[]{1.1, 11});
        new Nsga2<>(settings, unitCube(4)).run(Objectives.each(Nsga2Test::zdt1), List.of(), (g, population, all, hv) -> {
            assertThat(population).hasSize(8);
            assertThat(hv).isPositive();
            generations.add(g);
        });
        assertThat(generations).containsExactly(0, 1, 2, 3, 4);
        assertThatThrownBy(() -> new Nsga2<>(settings, unitCube(4)).run(Objectives.each(Nsga2Test::zdt1), List.of(), (g, p, a, h) -> {
            if (g == 2) {
                throw new java.util.concurrent.CancellationException("cancelled");
            }
        })).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void nonFiniteObjectivesAreRefused() {
        assertThatThrownBy(() -> new Nsga2<>(new Settings(4, 1, 1, null), unitCube(2)).run(Objectives.each(x -> new double[]{Double.NaN, 1})))
                .hasMessageContaining("not finite");
    }
}
