package io.agentforge.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a model's attention and MLP projections ({@code attn.qkv}, {@code attn.out}, {@code mlp.up}, {@code mlp.down})
 * compute. Embeddings, the head, norms and biases are full precision in every mode. See {@link BitLinear} for the
 * arithmetic.
 */
public enum Quantization {
    /** Full-precision projections. */
    @JsonProperty("none") NONE,
    /**
     * BitNet b1.58 quantization-aware training: the parameters are latent full-precision weights; every forward pass
     * uses their ternary quantization and int8 activations, and gradients reach the latent weights through the
     * straight-through estimator. The model's quantization strength blends from full precision (0) to ternary (1).
     */
    @JsonProperty("bitnet") BITNET,
    /**
     * The exported form of a {@code BITNET} model: the projection weights are already ternary (each matrix holds only
     * {-γ, 0, γ}) and are used as they are; activations are int8 exactly as in training.
     */
    @JsonProperty("ternary") TERNARY
}
