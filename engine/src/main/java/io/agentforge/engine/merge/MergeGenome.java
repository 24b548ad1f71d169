package io.agentforge.engine.merge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One merge recipe: the method and its genes. A record of lists, so that equal recipes are equal keys of the
 * evaluation cache; {@link #canonical()} resets the genes a method ignores, so that recipes that merge alike share one
 * key.
 *
 * @param weights  one weight vector per layer group (outer list), each over the parents and on the simplex; one group
 *                 applies to every tensor, several split the blocks evenly (embeddings join the first group, the
 *                 final norm and an untied head the last)
 * @param lambda   scale of the merged task vector (task arithmetic, TIES, DARE)
 * @param density  share of each task vector TIES keeps
 * @param drop     DARE's drop probability p
 * @param slerpT   SLERP's position from the pair's first parent (0) to its second (1)
 * @param slerpPair the two parents (indices) SLERP interpolates
 */
public record MergeGenome(
        @JsonProperty("method") MergeMethod method,
        @JsonProperty("weights") List<List<Double>> weights,
        @JsonProperty("lambda") double lambda,
        @JsonProperty("density") double density,
        @JsonProperty("drop") double drop,
        @JsonProperty("slerp_t") double slerpT,
        @JsonProperty("slerp_pair") List<Integer> slerpPair) {

    /** The search's ranges (PHASES.md 1.4); a genome outside them is still valid, the search just never makes one. */
    public static final double LAMBDA_MIN = 0.5;
    public static final double LAMBDA_MAX = 1.5;
    public static final double DENSITY_MIN = 0.1;
    public static final double DENSITY_MAX = 0.9;
    public static final double DROP_MIN = 0.0;
    public static final double DROP_MAX = 0.95;

    private static final double SIMPLEX_TOLERANCE = 1e-6;

    public MergeGenome {
        if (method == null) {
            throw new IllegalArgumentException("method: missing");
        }
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("weights: at least one weight vector is needed");
        }
        int models = weights.getFirst().size();
        if (models < 2) {
            throw new IllegalArgumentException("weights: a merge needs at least two parents, got " + models);
        }
        var copy = new ArrayList<List<Double>>();
        for (List<Double> group : weights) {
            if (group.size() != models) {
                throw new IllegalArgumentException("weights: every group needs " + models + " weights, one has " + group.size());
            }
            double sum = 0;
            for (double w : group) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("weights: " + w + " is not a non-negative number");
                }
                sum += w;
            }
            if (Math.abs(sum - 1) > SIMPLEX_TOLERANCE) {
                throw new IllegalArgumentException("weights: a group sums to " + sum + ", not 1");
            }
            copy.add(List.copyOf(group));
        }
        weights = Collections.unmodifiableList(copy);
        finite("lambda", lambda);
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density: must be in (0, 1], was " + density);
        }
        if (!(drop >= 0 && drop < 1)) {
            throw new IllegalArgumentException("drop: must be in [0, 1), was " + drop);
        }
        if (!(slerpT >= 0 && slerpT <= 1)) {
            throw new IllegalArgumentException("slerp_t: must be in [0, 1], was " + slerpT);
        }
        if (slerpPair == null || slerpPair.size() != 2 || slerpPair.get(0).equals(slerpPair.get(1))
                || slerpPair.stream().anyMatch(i -> i < 0 || i >= models)) {
            throw new IllegalArgumentException("slerp_pair: must be two different parent indices below " + models + ", was " + slerpPair);
        }
        slerpPair = List.copyOf(slerpPair);
    }

    /** Parent {@code index} itself, as a one-hot linear genome. */
    public static MergeGenome parent(int index, int models) {
        double[] w = new double[models];
        w[index] = 1;
        return linear(w);
    }

    /** The uniform soup of {@code models} parents. */
    public static MergeGenome uniformSoup(int models) {
        double[] w = new double[models];
        Arrays.fill(w, 1.0 / models);
        return linear(w);
    }

    public static MergeGenome linear(double... weights) {
        return of(MergeMethod.LINEAR, weights, 1, 1, 0);
    }

    public static MergeGenome taskArithmetic(double lambda, double... weights) {
        return of(MergeMethod.TASK_ARITHMETIC, weights, lambda, 1, 0);
    }

    public static MergeGenome ties(double lambda, double density, double... weights) {
        return of(MergeMethod.TIES, weights, lambda, density, 0);
    }

    public static MergeGenome dareLinear(double lambda, double drop, double... weights) {
        return of(MergeMethod.DARE_LINEAR, weights, lambda, 1, drop);
    }

    public static MergeGenome dareTies(double lambda, double drop, double... weights) {
        return of(MergeMethod.DARE_TIES, weights, lambda, 1, drop);
    }

    /** SLERP from parent {@code first} to parent {@code second} of {@code models}. */
    public static MergeGenome slerp(int first, int second, double t, int models) {
        return new MergeGenome(MergeMethod.SLERP, List.of(uniform(models)), 1, 1, 0, t, List.of(first, second));
    }

    private static MergeGenome of(MergeMethod method, double[] weights, double lambda, double density, double drop) {
        List<Double> w = Arrays.stream(weights).boxed().toList();
        return new MergeGenome(method, List.of(w), lambda, density, drop, 0.5, List.of(0, 1));
    }

    private static List<Double> uniform(int models) {
        return Collections.nCopies(models, 1.0 / models);
    }

    @JsonIgnore
    public int models() {
        return weights.getFirst().size();
    }

    @JsonIgnore
    public int layerGroups() {
        return weights.size();
    }

    /** The weights of group {@code group} as an array. */
    public double[] weightsOf(int group) {
        return weights.get(group).stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The same merge with the genes the method ignores set to fixed values: two genomes merge alike exactly when
     * their canonical forms are equal (the cache's key).
     */
    public MergeGenome canonical() {
        boolean usesWeights = method != MergeMethod.SLERP;
        boolean usesLambda = method.needsAncestor();
        return new MergeGenome(method,
                usesWeights ? weights : Collections.nCopies(weights.size(), uniform(models())),
                usesLambda ? lambda : 1,
                method == MergeMethod.TIES ? density : 1,
                method == MergeMethod.DARE_LINEAR || method == MergeMethod.DARE_TIES ? drop : 0,
                method == MergeMethod.SLERP ? slerpT : 0.5,
                method == MergeMethod.SLERP ? slerpPair : List.of(0, 1));
    }

    /**
     * The seed of DARE's masks: a 64-bit FNV-1a hash of the canonical genome's text, so that one recipe always draws
     * the same masks (the cache stays truthful and a resumed search merges as the crashed one did).
     */
    public long dareSeed() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : canonical().toString().getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static void finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + ": must be a finite number, was " + value);
        }
    }
}
