/**
 * The training loop: batches, the hand-written Adam/AdamW optimizer (so that its state can be checkpointed), the
 * warm-up + cosine schedule, gradient clipping and accumulation, evaluation with early stopping on {@code select},
 * progress callbacks and a stop signal. {@link io.agentforge.engine.training.Trainer} is the entry point that the
 * Training service's worker calls; it uses every other package of the engine.
 */
package io.agentforge.engine.training;
