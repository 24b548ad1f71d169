package io.agentforge.api.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;

/**
 * Where the pipeline is (SPEC section 4).
 *
 * @param status   {@code idle} before any run or after a reset, {@code running}, {@code completed} when all eight
 *                 phases completed, {@code failed} when a phase failed or was refused, {@code partial} when the run
 *                 ended early without a failure (a phase's job was cancelled) after some phases completed
 * @param progress 0..1 over the eight phases, the running phase counted by its job's progress
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineStatus(String status, double progress, int phasesCompleted, int phasesRunning, int totalPhases,
                             ModelPhase currentPhase, String message, Instant timestamp) {
}
