/**
 * Handing what a worker produced to the Model service: each model directory packed as one zip and saved through
 * {@link io.agentforge.contracts.models.ModelService} with its lineage (training job, parent model). Depends on the
 * contracts and the worker protocol's artifact description only.
 */
package io.agentforge.training.artifacts;
