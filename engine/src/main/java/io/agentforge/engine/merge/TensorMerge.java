package io.agentforge.engine.merge;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The merge operators on one tensor, flattened. Arithmetic runs in double and rounds to float once, so that merging
 * copies of one tensor gives that tensor back. The task-vector methods take the ancestor's tensor as {@code base};
 * {@code weights} has one entry per tuned tensor and is not renormalised here (the genome keeps it on the simplex).
 */
public final class TensorMerge {

    /** mergekit's DOT_THRESHOLD: beyond it SLERP's sin Ω is too small to divide by, and lerp is the same curve. */
    public static final double COLINEAR = 0.9995;

    private static final double NORM_EPS = 1e-8;

    private TensorMerge() {
    }

    /** Σ wᵢ tᵢ. */
    public static float[] linear(List<float[]> tensors, double[] weights) {
        int n = length(tensors, weights);
        float[] out = new float[n];
        for (int p = 0; p < n; p++) {
            double sum = 0;
            for (int i = 0; i < tensors.size(); i++) {
                sum += weights[i] * tensors.get(i)[p];
            }
            out[p] = (float) sum;
        }
        return out;
    }

    /**
     * Spherical interpolation from {@code a} (t = 0) to {@code b} (t = 1), as mergekit does it: the angle comes from
     * the normalised tensors, the result mixes the unnormalised ones; nearly colinear tensors are lerped.
     */
    public static float[] slerp(float[] a, float[] b, double t) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("slerp: tensors of " + a.length + " and " + b.length + " elements");
        }
        double dot = cosine(a, b);
        double wa;
        double wb;
        if (Math.abs(dot) > COLINEAR) {
            wa = 1 - t;
            wb = t;
        } else {
            double omega = Math.acos(dot);
            double sinOmega = Math.sin(omega);
            wa = Math.sin((1 - t) * omega) / sinOmega;
            wb = Math.sin(t * omega) / sinOmega;
        }
        float[] out = new float[a.length];
        for (int p = 0; p < a.length; p++) {
            out[p] = (float) (wa * a[p] + wb * b[p]);
        }
        return out;
    }

    /** Whether {@link #slerp} takes the linear path for these two tensors. */
    public static boolean colinear(float[] a, float[] b) {
        return Math.abs(cosine(a, b)) > COLINEAR;
    }

    /** ⟨a/‖a‖, b/‖b‖⟩, leaving a (near-)zero tensor unnormalised as mergekit does, so that it never divides by 0. */
    private static double cosine(float[] a, float[] b) {
        double na = 0;
        double nb = 0;
        double dot = 0;
        for (int p = 0; p < a.length; p++) {
            na += (double) a[p] * a[p];
            nb += (double) b[p] * b[p];
            dot += (double) a[p] * b[p];
        }
        na = Math.sqrt(na);
        nb = Math.sqrt(nb);
        return dot / (na > NORM_EPS ? na : 1) / (nb > NORM_EPS ? nb : 1);
    }

    /** θ₀ + λ Σ wᵢτᵢ. */
    public static float[] taskArithmetic(float[] base, List<float[]> tuned, double[] weights, double lambda) {
        return addWeighted(base, taskVectors(base, tuned, weights), weights, lambda);
    }

    /** TIES-Merging: each τᵢ trimmed to its top {@code density} share by magnitude, then {@link #electAndMerge}. */
    public static float[] ties(float[] base, List<float[]> tuned, double[] weights, double lambda, double density) {
        double[][] taus = taskVectors(base, tuned, weights);
        for (double[] tau : taus) {
            trim(tau, density);
        }
        return electAndMerge(base, taus, weights, lambda);
    }

    /** DARE then task arithmetic; the masks are drawn from {@code seed} (one stream per tuned tensor). */
    public static float[] dareLinear(float[] base, List<float[]> tuned, double[] weights, double lambda, double drop, long seed) {
        return addWeighted(base, dropped(base, tuned, weights, drop, seed), weights, lambda);
    }

    /** DARE then TIES' sign election and disjoint mean (no magnitude trim: the drop is the sparsification). */
    public static float[] dareTies(float[] base, List<float[]> tuned, double[] weights, double lambda, double drop, long seed) {
        return electAndMerge(base, dropped(base, tuned, weights, drop, seed), weights, lambda);
    }

    private static double[][] dropped(float[] base, List<float[]> tuned, double[] weights, double drop, long seed) {
        double[][] taus = taskVectors(base, tuned, weights);
        var streams = new SplittableRandom(seed);
        for (double[] tau : taus) {
            dropAndRescale(tau, drop, streams.split());
        }
        return taus;
    }

    /** τ = θ − θ₀ per tuned tensor, checked for equal lengths. */
    static double[][] taskVectors(float[] base, List<float[]> tuned, double[] weights) {
        int n = length(tuned, weights);
        if (base.length != n) {
            throw new IllegalArgumentException("base tensor has " + base.length + " elements, tuned ones " + n);
        }
        double[][] taus = new double[tuned.size()][n];
        for (int i = 0; i < tuned.size(); i++) {
            float[] t = tuned.get(i);
            for (int p = 0; p < n; p++) {
                taus[i][p] = (double) t[p] - base[p];
            }
        }
        return taus;
    }

    private static float[] addWeighted(float[] base, double[][] taus, double[] weights, double lambda) {
        float[] out = new float[base.length];
        for (int p = 0; p < base.length; p++) {
            double sum = 0;
            for (int i = 0; i < taus.length; i++) {
                sum += weights[i] * taus[i][p];
            }
            out[p] = (float) (base[p] + lambda * sum);
        }
        return out;
    }

    /**
     * TIES' steps 2 and 3 with mergekit's weighting: the sign of Σ wᵢτᵢ per coordinate (+ on a tie), then the
     * weighted mean of the entries that are non-zero and of that sign, θ₀ + λ·mean. With equal weights this is the
     * paper's disjoint mean.
     */
    static float[] electAndMerge(float[] base, double[][] taus, double[] weights, double lambda) {
        float[] out = new float[base.length];
        for (int p = 0; p < base.length; p++) {
            double vote = 0;
            for (int i = 0; i < taus.length; i++) {
                vote += weights[i] * taus[i][p];
            }
            boolean positive = vote >= 0;
            double sum = 0;
            double weight = 0;
            for (int i = 0; i < taus.length; i++) {
                double v = taus[i][p];
                if (v != 0 && (v > 0) == positive) {
                    sum += weights[i] * v;
                    weight += weights[i];
                }
            }
            out[p] = weight > 0 ? (float) (base[p] + lambda * (sum / weight)) : base[p];
        }
        return out;
    }

    /**
     * Zeroes all but the k = round(density·n) entries of largest magnitude, in place. The threshold comes from a
     * quickselect; entries equal to it are kept in index order until k are kept, so exactly k survive.
     */
    public static void trim(double[] tau, double density) {
        if (density <= 0 || density > 1) {
            throw new IllegalArgumentException("density: must be in (0, 1], was " + density);
        }
        int n = tau.length;
        int keep = (int) Math.round(density * n);
        if (keep >= n) {
            return;
        }
        if (keep == 0) {
            Arrays.fill(tau, 0);
            return;
        }
        double[] magnitudes = new double[n];
        for (int p = 0; p < n; p++) {
            magnitudes[p] = Math.abs(tau[p]);
        }
        double threshold = select(magnitudes, n - keep);
        int above = 0;
        for (double v : tau) {
            if (Math.abs(v) > threshold) {
                above++;
            }
        }
        int equalsToKeep = keep - above;
        for (int p = 0; p < n; p++) {
            double m = Math.abs(tau[p]);
            if (m < threshold) {
                tau[p] = 0;
            } else if (m == threshold) {
                if (equalsToKeep > 0) {
                    equalsToKeep--;
                } else {
                    tau[p] = 0;
                }
            }
        }
    }

    /** The element that would be at {@code index} if {@code values} were sorted ascending (reorders values). */
    static double select(double[] values, int index) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            // Median of three keeps sorted and constant runs from going quadratic.
            int mid = (lo + hi) >>> 1;
            double pivot = median(values[lo], values[mid], values[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (index <= j) {
                hi = j;
            } else if (index >= i) {
                lo = i;
            } else {
                return values[index];
            }
        }
        return values[index];
    }

    private static double median(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** DARE: keeps each entry with probability 1 − p and divides the kept ones by 1 − p, in place (E[τ̃] = τ). */
    public static void dropAndRescale(double[] tau, double drop, SplittableRandom random) {
        if (drop < 0 || drop >= 1) {
            throw new IllegalArgumentException("drop: must be in [0, 1), was " + drop);
        }
        double keep = 1 - drop;
        for (int p = 0; p < tau.length; p++) {
            tau[p] = random.nextDouble() < keep ? tau[p] / keep : 0;
        }
    }

    private static int length(List<float[]> tensors, double[] weights) {
        if (tensors.isEmpty() || tensors.size() != weights.length) {
            throw new IllegalArgumentException("weights: " + weights.length + " weights for " + tensors.size() + " tensors");
        }
        int n = tensors.getFirst().length;
        for (float[] t : tensors) {
            if (t.length != n) {
                throw new IllegalArgumentException("tensors of " + n + " and " + t.length + " elements");
            }
        }
        return n;
    }
}
