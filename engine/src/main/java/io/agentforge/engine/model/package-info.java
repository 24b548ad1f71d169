/**
 * The decoder-only transformer language model: its configuration with presets ({@code tiny}, {@code small},
 * {@code cognate-6m}, {@code cognate-25m}), its parameters (named as in the exported safetensors) and its forward pass with an optional
 * key/value cache, at full precision or with BitNet b1.58's ternary projections ({@code BitLinear}).
 * Everything else in the engine builds on this package; it depends on nothing but DJL.
 */
package io.agentforge.engine.model;
