/**
 * Checkpoints: one file holding a JSON header (step, data position, seed, schedule and early-stopping state, histories)
 * and every array a run needs to continue (parameters, Adam moments, GrokFast buffers), written atomically so that a
 * crash leaves the previous checkpoint intact. Depends on the model package only; the trainer writes and reads them.
 */
package io.agentforge.engine.checkpoint;
