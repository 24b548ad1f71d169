package io.agentforge.engine.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.model.BitLinear;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the projection matrices a model computes with look like: a full-precision model's own weights, a
 * {@link Quantization#BITNET} model's quantization of its latent weights (at strength 1), a ternary model's weights.
 *
 * @param matrices per projection weight, in parameter order
 */
public record QuantizationReport(Map<String, Matrix> matrices) {

    /**
     * @param scale          γ = mean|W| of the matrix the model computes with (for a ternary matrix: the non-zero
     *                       magnitude times 1 − p₀)
     * @param zeroFraction   share of exact zeros, p₀
     * @param distinctValues distinct float values (0 and −0 count as one)
     */
    public record Matrix(double scale, double zeroFraction, int distinctValues) {
    }

    public QuantizationReport {
        matrices = Collections.unmodifiableMap(new LinkedHashMap<>(matrices));
    }

    public static QuantizationReport of(LanguageModel model) {
        var matrices = new LinkedHashMap<String, Matrix>();
        try (NDManager scope = NDManager.newBaseManager()) {
            model.parameters().forEach((name, weight) -> {
                if (!BitLinear.isQuantizedWeight(name)) {
                    return;
                }
                NDArray used = model.config().quantization() == Quantization.BITNET ? BitLinear.ternary(weight, scope) : weight;
                float[] values = used.toFloatArray();
                matrices.put(name, new Matrix(meanAbs(values), zeroFraction(values), distinctValues(values)));
            });
        }
        return new QuantizationReport(matrices);
    }

    /** The most distinct values in any projection matrix: at most 3 for a ternary model. */
    public int distinctValuesMax() {
        return matrices.values().stream().mapToInt(Matrix::distinctValues).max().orElse(0);
    }

    /** Whether every projection matrix holds at most the three values {−γ, 0, γ}. */
    public boolean ternary() {
        return distinctValuesMax() <= 3;
    }

    /** p₀ per projection matrix, by parameter name ({@code phase_stats.json}'s {@code zero_fraction}). */
    public Map<String, Double> zeroFractions() {
        var fractions = new LinkedHashMap<String, Double>();
        matrices.forEach((name, m) -> fractions.put(name, m.zeroFraction()));
        return fractions;
    }

    public static double zeroFraction(float[] values) {
        long zeros = 0;
        for (float v : values) {
            zeros += v == 0 ? 1 : 0;
        }
        return values.length == 0 ? 0 : (double) zeros / values.length;
    }

    /** Distinct values, with 0 and −0 as one (they compute the same). */
    public static int distinctValues(float[] values) {
        var seen = new HashSet<Float>();
        for (float v : values) {
            seen.add(v == 0 ? 0f : v);
        }
        return seen.size();
    }

    private static double meanAbs(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += Math.abs(v);
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
