package io.agentforge.engine.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

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
}
