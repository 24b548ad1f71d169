package io.agentforge.engine.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/** Dominance, non-dominated sorting and crowding distance over objective vectors, all minimised. */
public final class Pareto {

    private Pareto() {
    }

    /** a dominates b: no worse in every objective and better in at least one. */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int m = 0; m < a.length; m++) {
            if (a[m] > b[m]) {
                return false;
            }
            better |= a[m] < b[m];
        }
        return better;
    }

    /**
     * Deb's fast non-dominated sort: the indices of {@code points} by front, the first front being the non-dominated
     * points. O(M·N²).
     */
    public static List<List<Integer>> fronts(List<double[]> points) {
        int n = points.size();
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            dominates.add(new ArrayList<>());
        }
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                if (dominates(points.get(p), points.get(q))) {
                    dominates.get(p).add(q);
                    dominatedBy[q]++;
                } else if (dominates(points.get(q), points.get(p))) {
                    dominates.get(q).add(p);
                    dominatedBy[p]++;
                }
            }
        }
        var fronts = new ArrayList<List<Integer>>();
        var current = new ArrayList<Integer>();
        for (int p = 0; p < n; p++) {
            if (dominatedBy[p] == 0) {
                current.add(p);
            }
        }
        while (!current.isEmpty()) {
            fronts.add(List.copyOf(current));
            var next = new ArrayList<Integer>();
            for (int p : current) {
                for (int q : dominates.get(p)) {
                    if (--dominatedBy[q] == 0) {
                        next.add(q);
                    }
                }
            }
            next.sort(Comparator.naturalOrder());
            current = next;
        }
        return fronts;
    }

    /** The indices of the points no other point dominates. */
    public static List<Integer> nonDominated(List<double[]> points) {
        return points.isEmpty() ? List.of() : fronts(points).getFirst();
    }

    /**
     * NSGA-II's crowding distance of each point of one front: per objective, the extreme points get ∞ and the others
     * the normalised gap between their neighbours, summed over objectives. An objective on which the whole front is
     * equal adds nothing (beyond the ∞ of its extremes).
     */
    public static double[] crowdingDistance(List<double[]> front) {
        int n = front.size();
        double[] distance = new double[n];
        if (n <= 2) {
            Arrays.fill(distance, Double.POSITIVE_INFINITY);
            return distance;
        }
        int objectives = front.getFirst().length;
        for (int m = 0; m < objectives; m++) {
            int objective = m;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> front.get(i)[objective]));
            double min = front.get(order[0])[m];
            double max = front.get(order[n - 1])[m];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[n - 1]] = Double.POSITIVE_INFINITY;
            if (max == min) {
                continue;
            }
            for (int i = 1; i < n - 1; i++) {
                distance[order[i]] += (front.get(order[i + 1])[m] - front.get(order[i - 1])[m]) / (max - min);
            }
        }
        return distance;
    }

    /**
     * The knee of a front: the point nearest the ideal point (each objective's best) once every objective is scaled
     * to [0, 1] over the front, so that no unit (nats, parameters, milliseconds) outweighs another. Ties go to the
     * earlier point. An index into {@code front}.
     */
    public static int knee(List<double[]> front) {
        if (front.isEmpty()) {
            throw new IllegalArgumentException("front: empty, no knee");
        }
        int objectives = front.getFirst().length;
        double[] min = new double[objectives];
        double[] max = new double[objectives];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[] p : front) {
            for (int m = 0; m < objectives; m++) {
                min[m] = Math.min(min[m], p[m]);
                max[m] = Math.max(max[m], p[m]);
            }
        }
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < front.size(); i++) {
            double distance = 0;
            for (int m = 0; m < objectives; m++) {
                double span = max[m] - min[m];
                double scaled = span == 0 ? 0 : (front.get(i)[m] - min[m]) / span;
                distance += scaled * scaled;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        return best;
    }

    /**
     * The point with the lowest objective {@code minimise} among those whose objective {@code budgeted} is at most
     * {@code budget} (e.g. the lowest loss under a parameter budget); empty when none fits.
     */
    public static OptionalInt lowestUnder(List<double[]> points, int minimise, int budgeted, double budget) {
        int best = -1;
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            if (p[budgeted] <= budget && (best < 0 || p[minimise] < points.get(best)[minimise])) {
                best = i;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }
}
