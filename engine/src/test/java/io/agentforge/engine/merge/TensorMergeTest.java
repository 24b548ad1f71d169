package io.agentforge.engine.merge;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TensorMergeTest {

    private static final double[] THIRDS = {1 / 3.0, 1 / 3.0, 1 / 3.0};

    @Test
    void slerpEndpointsAreTheInputsExactly() {
        float[] a = gaussian(1, 500);
        float[] b = gaussian(2, 500);
        assertThat(TensorMerge.colinear(a, b)).isFalse();
        assertThat(TensorMerge.slerp(a, b, 0)).containsExactly(a);
        assertThat(TensorMerge.slerp(a, b, 1)).containsExactly(b);
    }

    @Test
    void slerpOfOrthogonalTensorsFollowsTheArcNotTheChord() {
        float[] mid = TensorMerge.slerp(new float[]{1, 0}, new float[]{0, 1}, 0.5);
        // The chord's midpoint would be (0.5, 0.5); the arc keeps the norm 1.
        assertThat(mid[0]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(mid[1]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
    }

    @Test
    void slerpOfUnnormalisedTensorsMixesThemUnnormalised() {
        float[] mid = TensorMerge.slerp(new float[]{3, 0}, new float[]{0, 1}, 0.5);
        double s = Math.sin(Math.PI / 4);   // Ω = π/2 from the normalised tensors
        assertThat(mid[0]).isCloseTo((float) (3 * s), within(1e-6f));
        assertThat(mid[1]).isCloseTo((float) s, within(1e-6f));
    }

    @Test
    void colinearTensorsTakeTheLinearPath() {
        float[] a = gaussian(3, 200);
        float[] twice = scaled(a, 2);
        float[] opposite = scaled(a, -1);
        assertThat(TensorMerge.colinear(a, twice)).isTrue();
        assertThat(TensorMerge.colinear(a, opposite)).isTrue();
        // On the spherical path Ω = 0 would divide by sin 0 (NaN); lerp gives (1 − t)a + t·2a.
        float[] merged = TensorMerge.slerp(a, twice, 0.25);
        for (int p = 0; p < a.length; p++) {
            assertThat(merged[p]).isCloseTo(1.25f * a[p], within(1e-6f));
        }
        assertThat(TensorMerge.slerp(a, opposite, 0.5)).containsOnly(0f);
    }

    @Test
    void linearIsTheWeightedSum() {
        float[] merged = TensorMerge.linear(List.of(new float[]{1, 2}, new float[]{3, -2}), new double[]{0.25, 0.75});
        assertThat(merged).containsExactly(2.5f, -1f);
    }

    @Test
    void taskArithmeticAddsTheScaledWeightedTaskVectors() {
        float[] base = {1, 1};
        float[] merged = TensorMerge.taskArithmetic(base, List.of(new float[]{2, 1}, new float[]{1, 3}), new double[]{0.5, 0.5}, 1.5);
        // τ₁ = (1, 0), τ₂ = (0, 2): θ₀ + 1.5·(0.5, 1) = (1.75, 2.5)
        assertThat(merged).containsExactly(1.75f, 2.5f);
    }

    @Test
    void tiesOfIdenticalTaskVectorsIsTheAncestorPlusLambdaTau() {
        float[] base = gaussian(4, 300);
        float[] tuned = add(base, gaussian(5, 300));
        var three = List.of(tuned, tuned, tuned);
        float[] merged = TensorMerge.ties(base, three, THIRDS, 0.8, 1.0);
        for (int p = 0; p < base.length; p++) {
            assertThat(merged[p]).isCloseTo((float) (base[p] + 0.8 * ((double) tuned[p] - base[p])), within(1e-6f));
        }
        // Trimmed to 30%: the same, with only the 90 largest |τ| entries left.
        float[] trimmed = TensorMerge.ties(base, three, THIRDS, 0.8, 0.3);
        double[] tau = new double[base.length];
        for (int p = 0; p < base.length; p++) {
            tau[p] = (double) tuned[p] - base[p];
        }
        double cut = Arrays.stream(tau).map(Math::abs).sorted().toArray()[base.length - 90];
        int kept = 0;
        for (int p = 0; p < base.length; p++) {
            boolean large = Math.abs(tau[p]) >= cut;
            kept += large ? 1 : 0;
            float expected = large ? (float) (base[p] + 0.8 * tau[p]) : base[p];
            assertThat(trimmed[p]).as("entry %d", p).isCloseTo(expected, within(1e-6f));
        }
        assertThat(kept).isEqualTo(90);
    }

    @Test
    void tiesElectsTheSignByMagnitudeAndAveragesOnlyTheAgreeingEntries() {
        float[] base = {0, 0, 0};
        float[] a = {3, -1, 2};
        float[] b = {1, 4, -2};
        float[] c = {-1, 1, 0};
        float[] merged = TensorMerge.ties(base, List.of(a, b, c), THIRDS, 1, 1.0);
        // coordinate 0: vote +3 → mean of 3 and 1; coordinate 1: vote +4 → mean of 4 and 1;
        // coordinate 2: vote 0 → + (mergekit's tie rule) → only the 2 counts.
        assertThat(merged).containsExactly(2f, 2.5f, 2f);
    }

    @Test
    void trimKeepsExactlyKEntriesEvenAmongTies() {
        double[] tau = {1, -1, 1, 1, -1, 0.5, 2, 1};
        TensorMerge.trim(tau, 0.5);
        assertThat(Arrays.stream(tau).filter(v -> v != 0).count()).isEqualTo(4);
        assertThat(tau[6]).isEqualTo(2);
        assertThat(tau[5]).isZero();
    }

    @Test
    void quickselectFindsOrderStatistics() {
        var random = new Random(9);
        for (int trial = 0; trial < 50; trial++) {
            double[] values = random.doubles(1 + random.nextInt(200)).map(v -> Math.floor(v * 20)).toArray();
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int k = random.nextInt(values.length);
            assertThat(TensorMerge.select(values.clone(), k)).isEqualTo(sorted[k]);
        }
    }

    @Test
    void dareAveragedOverManyMasksIsTheTaskVector() {
        float[] base = gaussian(6, 400);
        float[] tuned = add(base, gaussian(7, 400));
        // One entry's mean over 200 masks has a relative standard error of sqrt(p/(1−p)/200): 2.4% at p = 0.1 and
        // 7% at p = 0.5, which the norm of the whole difference concentrates at.
        assertThat(relativeErrorOfMeanOverMasks(base, tuned, 0.1, 200)).isLessThan(0.05);
        assertThat(relativeErrorOfMeanOverMasks(base, tuned, 0.5, 200)).isLessThan(0.10);
    }

    private static double relativeErrorOfMeanOverMasks(float[] base, float[] tuned, double drop, int masks) {
        double[] sum = new double[base.length];
        for (int m = 0; m < masks; m++) {
            float[] merged = TensorMerge.dareLinear(base, List.of(tuned), new double[]{1}, 1, drop, m);
            for (int p = 0; p < base.length; p++) {
                sum[p] += (double) merged[p] - base[p];
            }
        }
        double error = 0;
        double norm = 0;
        for (int p = 0; p < base.length; p++) {
            double tau = (double) tuned[p] - base[p];
            error += Math.pow(sum[p] / masks - tau, 2);
            norm += tau * tau;
        }
        return Math.sqrt(error / norm);
    }

    @Test
    void dareWithoutDropIsTaskArithmeticExactly() {
        float[] base = gaussian(8, 100);
        var tuned = List.of(add(base, gaussian(9, 100)), add(base, gaussian(10, 100)));
        double[] w = {0.3, 0.7};
        assertThat(TensorMerge.dareLinear(base, tuned, w, 1.2, 0, 77)).containsExactly(TensorMerge.taskArithmetic(base, tuned, w, 1.2));
        assertThat(TensorMerge.dareTies(base, tuned, w, 1.2, 0, 77)).containsExactly(TensorMerge.ties(base, tuned, w, 1.2, 1.0));
    }

    @Test
    void dareDropsAboutPAndRescalesTheRest() {
        double[] tau = new double[10_000];
        Arrays.fill(tau, 1);
        TensorMerge.dropAndRescale(tau, 0.9, new SplittableRandom(1));
        long kept = Arrays.stream(tau).filter(v -> v != 0).count();
        assertThat(kept).isBetween(900L, 1100L);
        assertThat(Arrays.stream(tau).filter(v -> v != 0).distinct().toArray()).containsExactly(1 / (1 - 0.9));
    }

    @Test
    void badGenesAndLengthsAreErrors() {
        assertThatThrownBy(() -> TensorMerge.trim(new double[3], 0)).hasMessageStartingWith("density");
        assertThatThrownBy(() -> TensorMerge.dropAndRescale(new double[3], 1, new SplittableRandom(1))).hasMessageStartingWith("drop");
        assertThatThrownBy(() -> TensorMerge.linear(List.of(new float[2], new float[3]), new double[]{0.5, 0.5}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static float[] gaussian(long seed, int n) {
        var random = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static float[] scaled(float[] a, float factor) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * factor;
        }
        return out;
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
