package io.agentforge.engine.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Real vectors within bounds, bred as in Deb's NSGA-II code: simulated binary crossover (SBX, bounded form) and
 * polynomial mutation, each with a distribution index that sets how close children stay to their parents.
 */
public record RealVectorVariation(double[] lower, double[] upper, double crossoverRate, double crossoverIndex,
                                  double mutationRate, double mutationIndex) implements Variation<List<Double>> {

    private static final double EPS = 1e-14;

    public RealVectorVariation {
        if (lower.length != upper.length || lower.length == 0) {
            throw new IllegalArgumentException("bounds: " + lower.length + " lower and " + upper.length + " upper bounds");
        }
        for (int i = 0; i < lower.length; i++) {
            if (!(lower[i] < upper[i])) {
                throw new IllegalArgumentException("bounds: gene " + i + " has lower " + lower[i] + " not below upper " + upper[i]);
            }
        }
        lower = lower.clone();
        upper = upper.clone();
    }

    /** The usual settings: crossover 0.9 with index 20, mutation 1/n per gene with index 20. */
    public static RealVectorVariation standard(double[] lower, double[] upper) {
        return new RealVectorVariation(lower, upper, 0.9, 20, 1.0 / lower.length, 20);
    }

    @Override
    public List<Double> random(RandomGenerator random) {
        var genes = new ArrayList<Double>(lower.length);
        for (int i = 0; i < lower.length; i++) {
            genes.add(lower[i] + random.nextDouble() * (upper[i] - lower[i]));
        }
        return List.copyOf(genes);
    }

    @Override
    public List<List<Double>> crossover(List<Double> first, List<Double> second, RandomGenerator random) {
        double[] c1 = unbox(first);
        double[] c2 = unbox(second);
        if (random.nextDouble() < crossoverRate) {
            for (int i = 0; i < c1.length; i++) {
                if (random.nextDouble() > 0.5 || Math.abs(c1[i] - c2[i]) <= EPS) {
                    continue;
                }
                double y1 = Math.min(c1[i], c2[i]);
                double y2 = Math.max(c1[i], c2[i]);
                double u = random.nextDouble();
                double low = 0.5 * ((y1 + y2) - spread(u, 1 + 2 * (y1 - lower[i]) / (y2 - y1)) * (y2 - y1));
                double high = 0.5 * ((y1 + y2) + spread(u, 1 + 2 * (upper[i] - y2) / (y2 - y1)) * (y2 - y1));
                low = clamp(low, i);
                high = clamp(high, i);
                boolean swap = random.nextBoolean();
                c1[i] = swap ? high : low;
                c2[i] = swap ? low : high;
            }
        }
        return List.of(box(c1), box(c2));
    }

    /** SBX's spread factor βq for a uniform draw u, bounded so that the child stays within the variable's range. */
    private double spread(double u, double beta) {
        double alpha = 2 - Math.pow(beta, -(crossoverIndex + 1));
        return u <= 1 / alpha
                ? Math.pow(u * alpha, 1 / (crossoverIndex + 1))
                : Math.pow(1 / (2 - u * alpha), 1 / (crossoverIndex + 1));
    }

    @Override
    public List<Double> mutate(List<Double> genome, RandomGenerator random) {
        double[] x = unbox(genome);
        for (int i = 0; i < x.length; i++) {
            if (random.nextDouble() >= mutationRate) {
                continue;
            }
            double range = upper[i] - lower[i];
            double d1 = (x[i] - lower[i]) / range;
            double d2 = (upper[i] - x[i]) / range;
            double u = random.nextDouble();
            double power = 1 / (mutationIndex + 1);
            double dq;
            if (u < 0.5) {
                double v = 2 * u + (1 - 2 * u) * Math.pow(1 - d1, mutationIndex + 1);
                dq = Math.pow(v, power) - 1;
            } else {
                double v = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - d2, mutationIndex + 1);
                dq = 1 - Math.pow(v, power);
            }
            x[i] = clamp(x[i] + dq * range, i);
        }
        return box(x);
    }

    private double clamp(double v, int i) {
        return Math.min(upper[i], Math.max(lower[i], v));
    }

    private static double[] unbox(List<Double> genes) {
        return genes.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> box(double[] genes) {
        return Arrays.stream(genes).boxed().toList();
    }
}
