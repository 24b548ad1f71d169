/**
 * The artifact format of a model, shared by its producer (Training packs) and its owner (the Model service
 * unpacks): the engine's model directory ({@code config.json}, the safetensors weights, {@code training_stats.json})
 * as one zip, so that one checksum covers the whole model and one streamed upload carries it. Unpacking refuses
 * entries that would land outside the target (zip-slip) and archives that expand beyond a limit. Depends only on
 * the contracts.
 */
package io.agentforge.platform.artifacts;
