/**
 * Inference: stored models loaded through the engine from their verified artifacts, kept in
 * {@link io.agentforge.models.inference.LoadedModels} (evicted by memory), generating text for
 * {@code POST /models/{id}/generate} and the public {@code /chat}. Depends on the contracts, the platform's artifact format, storage, the engine.
 */
package io.agentforge.models.inference;
