package io.agentforge.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * BitNet b1.58's linear layer (Ma et al. 2024), as functions over arrays.
 *
 * <p>Weights: γ = mean|W| over the whole matrix (per tensor, as in the paper; per row would give each output its own
 * scale), W̃ = RoundClip(W / (γ + ε), −1, 1), effective weight γ·W̃, so a matrix holds at most the three values
 * {−γ, 0, γ}. Activations: per token (last axis) absmax to int8, x̃ = Clip(round(x·127 / ‖x‖∞), −128, 127), used as
 * x̃·‖x‖∞ / 127, so the round trip is off by at most ‖x‖∞ / 254. Unlike the paper there is no extra normalisation
 * inside the layer: the blocks are already pre-LayerNorm, and per-token absmax adapts to each token's scale anyway.
 *
 * <p>Both go through the straight-through estimator, written so that the forward value is <em>exactly</em> the
 * quantized one (not W + (q − W), which can be an ulp off): {@code q.detach() + (W − W.detach())}. The gradient
 * reaching the latent W is then the gradient of the effective weight, and a model exported with the effective
 * weights computes bit for bit what the training model computed. The strength λ blends the forward value from full
 * precision (0) to quantized (1): W + λ(q − W), the HF "1.58-bit fine-tuning" ramp that avoids the loss spike.
 */
public final class BitLinear {

    /** The projections that the quantized modes make ternary, by their names within a block. */
    public static final List<String> PROJECTIONS = List.of("attn.qkv", "attn.out", "mlp.up", "mlp.down");

    private static final float WEIGHT_EPS = 1e-5f;
    /** A token whose activations are all (nearly) zero quantizes to zeros instead of dividing by zero. */
    private static final float ABSMAX_FLOOR = 1e-8f;

    private BitLinear() {
    }

    /** Whether the parameter of this name is a projection weight that the quantized modes make ternary. */
    public static boolean isQuantizedWeight(String parameterName) {
        if (!parameterName.startsWith("layers.") || !parameterName.endsWith(".weight")) {
            return false;
        }
        String projection = parameterName.substring(parameterName.indexOf('.', "layers.".length()) + 1,
                parameterName.length() - ".weight".length());
        return PROJECTIONS.contains(projection);
    }

    /** γ = mean|W|, the weight scale of {@link #ternary}. */
    public static float scale(NDArray weight) {
        try (NDManager scope = weight.getManager().newSubManager()) {
            NDArray detached = weight.stopGradient();
            detached.attach(scope);
            return detached.abs().mean().getFloat();
        }
    }

    /**
     * γ·RoundClip(W / (γ + ε), −1, 1) with γ = mean|W|, carrying no gradient; the result and every temporary live in
     * {@code scope}. Zeros are positive zeros, so a matrix has at most three distinct float values.
     */
    public static NDArray ternary(NDArray weight, NDManager scope) {
        NDArray w = weight.stopGradient();
        w.attach(scope);
        NDArray gamma = w.abs().mean();
        // round() keeps the sign of a zero (−0.3 → −0.0); adding 0 turns −0 into +0.
        return w.div(gamma.add(WEIGHT_EPS)).round().clip(-1, 1).mul(gamma).add(0f);
    }

    /** Per-token (last axis) absmax int8 quantization, returned dequantized; no gradient; lands in x's manager. */
    public static NDArray int8Activations(NDArray x) {
        NDArray detached = x.stopGradient();
        NDArray absMax = detached.abs().max(new int[] {-1}, true).maximum(ABSMAX_FLOOR);
        return detached.mul(127f).div(absMax).round().clip(-128, 127).mul(absMax).div(127f);
    }

    /**
     * The projection y = x_q W_q^T + b, where x_q is x's int8 quantization and W_q is {@code weight} as given
     * ({@code alreadyTernary}) or its ternary quantization, each blended by {@code strength} and passed through the
     * straight-through estimator. The bias stays full precision. Results land in x's manager.
     */
    static NDArray forward(NDArray x, NDArray weight, NDArray bias, boolean alreadyTernary, double strength) {
        NDManager scope = x.getManager();
        NDArray input = straightThrough(x, blend(x, int8Activations(x), strength), scope);
        NDArray effective = alreadyTernary ? weight
                : straightThrough(weight, blend(inScope(weight.stopGradient(), scope), ternary(weight, scope), strength), scope);
        return input.getNDArrayInternal().linear(input, effective, bias).singletonOrThrow();
    }

    /** latent + λ(quantized − latent), without gradient; exactly {@code quantized} at λ = 1. */
    private static NDArray blend(NDArray latent, NDArray quantized, double strength) {
        if (strength >= 1) {
            return quantized;
        }
        NDArray detached = latent.stopGradient();
        detached.attach(quantized.getManager());
        return strength <= 0 ? detached : detached.add(quantized.sub(detached).mul(strength));
    }

    /** Forward: exactly {@code value}; backward: the identity to {@code latent}. */
    private static NDArray straightThrough(NDArray latent, NDArray value, NDManager scope) {
        NDArray zeroWithGradient = inScope(latent.sub(inScope(latent.stopGradient(), scope)), scope);
        return value.stopGradient().add(zeroWithGradient);
    }

    /** Results of ops on a long-lived array land in its manager: move them to the caller's scope. */
    private static NDArray inScope(NDArray array, NDManager scope) {
        array.attach(scope);
        return array;
    }
}
