package io.agentforge.training.pipeline;

import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;

/**
 * A row of {@code pipeline_steps}: one phase of a run.
 *
 * @param status {@code starting} (its job being queued), {@code running}, {@code completed}, {@code failed},
 *               {@code cancelled}, or {@code refused} (the Training service would not run it, e.g. a 501)
 */
record PipelineStep(ModelPhase phase, String status, String jobId, String winnerModelId, String message,
                    Instant startedAt, Instant finishedAt) {
}
