package io.agentforge.engine.search;

import org.junit.jupiter.api.Test;
import org.uma.jmetal.qualityindicator.impl.hypervolume.impl.PISAHypervolume;
import org.uma.jmetal.solution.doublesolution.DoubleSolution;
import org.uma.jmetal.solution.doublesolution.impl.DefaultDoubleSolution;
import org.uma.jmetal.util.bounds.Bounds;
import org.uma.jmetal.util.densityestimator.impl.CrowdingDistanceDensityEstimator;
import org.uma.jmetal.util.ranking.impl.FastNonDominatedSortRanking;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Our sorting, crowding and hypervolume against hand-worked cases and against jMetal as the oracle. */
class ParetoTest {

    @Test
    void dominanceNeedsNoWorseEverywhereAndBetterSomewhere() {
        assertThat(Pareto.dominates(new double[]{1, 2}, new double[]{1, 3})).isTrue();
        assertThat(Pareto.dominates(new double[]{1, 3}, new double[]{1, 3})).isFalse();
        assertThat(Pareto.dominates(new double[]{0, 4}, new double[]{1, 3})).isFalse();
    }

    @Test
    void frontsPeelInOrder() {
        var points = List.of(new double[]{1, 5}, new double[]{2, 2}, new double[]{5, 1}, new double[]{3, 3}, new double[]{6, 6}, new double[]{2, 2});
        assertThat(Pareto.fronts(points)).containsExactly(List.of(0, 1, 2, 5), List.of(3), List.of(4));
    }

    @Test
    void noFrontMemberIsDominatedAndEveryLaterPointIsDominatedByTheFrontBefore() {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            var points = randomPoints(random, 60, 2 + trial % 2, 6);
            var fronts = Pareto.fronts(points);
            assertThat(fronts.stream().mapToInt(List::size).sum()).isEqualTo(points.size());
            for (int member : fronts.getFirst()) {
                assertThat(points).noneMatch(p -> Pareto.dominates(p, points.get(member)));
            }
            for (int r = 1; r < fronts.size(); r++) {
                var before = fronts.get(r - 1);
                for (int member : fronts.get(r)) {
                    assertThat(before).anyMatch(b -> Pareto.dominates(points.get(b), points.get(member)));
                }
            }
        }
    }

    @Test
    void ranksAgreeWithJMetal() {
        var random = new Random(5);
        for (int trial = 0; trial < 30; trial++) {
            // Integer coordinates make ties and duplicates, the cases a hand-rolled sort gets wrong.
            var points = randomPoints(random, 40 + trial, 2 + trial % 2, 8);
            var solutions = solutions(points);
            var ranking = new FastNonDominatedSortRanking<DoubleSolution>().compute(solutions);
            var fronts = Pareto.fronts(points);
            for (int r = 0; r < fronts.size(); r++) {
                for (int i : fronts.get(r)) {
                    assertThat(ranking.getRank(solutions.get(i))).as("trial %d point %d", trial, i).isEqualTo(r);
                }
            }
            assertThat(ranking.getNumberOfSubFronts()).isEqualTo(fronts.size());
        }
    }

    @Test
    void boundaryPointsHaveInfiniteCrowdingDistance() {
        var front = List.of(new double[]{0, 10}, new double[]{1, 6}, new double[]{3, 3}, new double[]{10, 0});
        double[] d = Pareto.crowdingDistance(front);
        assertThat(d[0]).isInfinite();
        assertThat(d[3]).isInfinite();
        // (3 − 0)/10 + (10 − 3)/10 and (10 − 1)/10 + (6 − 0)/10
        assertThat(d[1]).isCloseTo(1.0, within(1e-12));
        assertThat(d[2]).isCloseTo(1.5, within(1e-12));
        assertThat(Pareto.crowdingDistance(List.of(new double[]{1, 2}, new double[]{2, 1}))).containsOnly(Double.POSITIVE_INFINITY);
    }

    @Test
    void crowdingDistancesAgreeWithJMetal() {
        var random = new Random(8);
        for (int trial = 0; trial < 20; trial++) {
            var front = new ArrayList<double[]>();
            for (int i = 0; i < 15; i++) {
                double x = random.nextDouble();
                // Distinct points on a convex front, 2 or 3 objectives.
                front.add(trial % 2 == 0 ? new double[]{x, 1 - Math.sqrt(x)} : new double[]{x, random.nextDouble(), 2 - x});
            }
            var solutions = solutions(front);
            var estimator = new CrowdingDistanceDensityEstimator<DoubleSolution>();
            estimator.compute(solutions);
            double[] ours = Pareto.crowdingDistance(front);
            for (int i = 0; i < front.size(); i++) {
                double theirs = estimator.value(solutions.get(i));
                if (Double.isInfinite(theirs)) {
                    assertThat(ours[i]).as("trial %d point %d", trial, i).isInfinite();
                } else {
                    assertThat(ours[i]).as("trial %d point %d", trial, i).isCloseTo(theirs, within(1e-9));
                }
            }
        }
    }

    @Test
    void theKneeIsTheFrontPointNearestTheScaledIdeal() {
        // Losses in nats and parameter counts in millions: unscaled, the parameters would decide alone.
        var front = List.of(new double[]{5.0, 10_000}, new double[]{3.0, 200_000}, new double[]{2.9, 900_000}, new double[]{2.0, 5_000_000});
        assertThat(Pareto.knee(front)).isEqualTo(1);
        assertThat(Pareto.knee(List.of(new double[]{1, 1}))).isZero();
        assertThat(Pareto.lowestUnder(front, 0, 1, 1_000_000)).hasValue(2);
        assertThat(Pareto.lowestUnder(front, 0, 1, 1_000)).isEmpty();
    }

    @Test
    void hypervolumeOfKnownSets() {
        assertThat(Hypervolume.of(List.of(new double[]{1, 2}, new double[]{2, 1}), new double[]{3, 3})).isCloseTo(3.0, within(1e-12));
        assertThat(Hypervolume.of(List.of(new double[]{1, 1, 1}), new double[]{2, 2, 2})).isCloseTo(1.0, within(1e-12));
        // Boxes of 4 and 2 overlapping in a unit cube.
        assertThat(Hypervolume.of(List.of(new double[]{0, 0, 1}, new double[]{1, 1, 0}), new double[]{2, 2, 2})).isCloseTo(5.0, within(1e-12));
        // A dominated point and one beyond the reference add nothing.
        assertThat(Hypervolume.of(List.of(new double[]{1, 2}, new double[]{2, 1}, new double[]{2.5, 2.5}, new double[]{0, 4}),
                new double[]{3, 3})).isCloseTo(3.0, within(1e-12));
        assertThat(Hypervolume.of(List.of(), new double[]{1, 1})).isZero();
        // The ZDT1 front x ↦ 1 − √x dominates 2/3 of the unit square.
        var zdt1 = new ArrayList<double[]>();
        for (int i = 0; i <= 2000; i++) {
            double x = i / 2000.0;
            zdt1.add(new double[]{x, 1 - Math.sqrt(x)});
        }
        assertThat(Hypervolume.of(zdt1, new double[]{1, 1})).isCloseTo(2 / 3.0, within(1e-3));
    }

    @Test
    void hypervolumeAgreesWithJMetal() {
        var random = new Random(13);
        for (int trial = 0; trial < 20; trial++) {
            int dims = 2 + trial % 2;
            var all = randomPoints(random, 40, dims, 1000);
            var front = Pareto.nonDominated(all).stream().map(all::get).map(p -> scale(p, 1000)).toList();
            // jMetal's indicator expects normalised objectives and a reference point of ones (it measures nothing
            // beyond 1 in any objective), so the points are scaled into [0, 1).
            double[] reference = new double[dims];
            java.util.Arrays.fill(reference, 1.0);
            double theirs = new PISAHypervolume(reference).compute(front.toArray(double[][]::new));
            assertThat(Hypervolume.of(front, reference)).as("trial %d", trial).isCloseTo(theirs, within(1e-9));
        }
    }

    @Test
    void spearmanRanksTiesByTheirAverage() {
        assertThat(RankCorrelation.spearman(new double[]{1, 2, 3, 4}, new double[]{10, 20, 30, 400})).isCloseTo(1.0, within(1e-12));
        assertThat(RankCorrelation.spearman(new double[]{1, 2, 3, 4}, new double[]{4, 3, 2, 1})).isCloseTo(-1.0, within(1e-12));
        assertThat(RankCorrelation.ranks(new double[]{5, 1, 5, 3})).containsExactly(3.5, 1, 3.5, 2);
        // ranks (1, 2.5, 2.5, 4) against (1, 3, 2, 4): Pearson = 4.5 / sqrt(4.5 · 5)
        assertThat(RankCorrelation.spearman(new double[]{1, 2, 2, 3}, new double[]{1, 3, 2, 4})).isCloseTo(4.5 / Math.sqrt(4.5 * 5), within(1e-12));
        assertThat(RankCorrelation.spearman(new double[]{1, 1, 1}, new double[]{1, 2, 3})).isNaN();
    }

    @Test
    void spearmanAgreesWithCommonsMath() {
        var random = new Random(21);
        var oracle = new org.apache.commons.math3.stat.correlation.SpearmansCorrelation();
        for (int trial = 0; trial < 20; trial++) {
            double[] x = random.ints(30, 0, 10).asDoubleStream().toArray();
            double[] y = new double[30];
            for (int i = 0; i < 30; i++) {
                y[i] = x[i] * (trial % 3 - 1) + random.nextInt(8);
            }
            assertThat(RankCorrelation.spearman(x, y)).isCloseTo(oracle.correlation(x, y), within(1e-12));
        }
    }

    static List<double[]> randomPoints(Random random, int n, int dims, int levels) {
        var points = new ArrayList<double[]>();
        for (int i = 0; i < n; i++) {
            double[] p = new double[dims];
            for (int k = 0; k < dims; k++) {
                p[k] = random.nextInt(levels);
            }
            points.add(p);
        }
        return points;
    }

    private static double[] scale(double[] p, double by) {
        return java.util.Arrays.stream(p).map(v -> v / by).toArray();
    }

    private static List<DoubleSolution> solutions(List<double[]> points) {
        var solutions = new ArrayList<DoubleSolution>();
        for (double[] p : points) {
            var s = new DefaultDoubleSolution(List.of(Bounds.create(0.0, 1.0)), p.length, 0);
            System.arraycopy(p, 0, s.objectives(), 0, p.length);
            solutions.add(s);
        }
        return solutions;
    }
}
