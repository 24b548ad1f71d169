package io.agentforge.contracts.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;

/**
 * Where the pipeline is (SPEC section 4).
 *
 * @param runId          the run, null when idle
 * @param status         {@code idle} before any run or after a reset, {@code running}, {@code completed} when all
 *                       eight phases completed, {@code failed} when a phase failed or was refused (a phase not
 *                       implemented yet: the message says so), {@code cancelled} when it was stopped
 * @param progress       0..1 over the eight phases, the running phase counted by its job's progress
 * @param currentJobId   the job of the current phase, null before it is queued
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineStatus(String runId, String status, double progress, int phasesCompleted, int phasesRunning,
                             int totalPhases, ModelPhase currentPhase, String currentJobId, String message,
                             Instant timestamp) {
    public static final int TOTAL_PHASES = ModelPhase.values().length;

    public static PipelineStatus idle(String message) {
        return new PipelineStatus(null, "idle", 0, 0, 0, TOTAL_PHASES, null, null, message, Instant.now());
    }
}
