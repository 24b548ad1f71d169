package io.agentforge.contracts.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The forge report of one run (SPEC section 4): every phase's proof numbers side by side, as its
 * {@code phase_stats.json} has them, the lineage from the ancestor and Cognate's models to the final artifact, sizes
 * and wall times. Numbers a phase did not measure are absent, never zero.
 *
 * @param wallTimeSeconds from the run's start to its end (or to now while it runs)
 * @param toolAccuracy    test accuracy with the calculator: the tool phase's winner against the Cognate models (as
 *                        their phases measured it), present once the tool phase completed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineReport(String runId, String status, String message, Instant startedAt, Instant finishedAt,
                             double wallTimeSeconds, Map<String, Object> parameters,
                             Map<String, Map<String, Object>> phaseOverrides, List<Phase> phases,
                             List<LineageModel> lineage, String finalModelId, Map<String, Object> toolAccuracy) {

    /**
     * One phase of the run.
     *
     * @param status          {@code pending} (not reached), {@code running}, or its job's final status; a phase
     *                        the Training service refused is {@code refused} with the reason in {@code message}
     * @param wallTimeSeconds the phase's own {@code wall_time_seconds} (its stats)
     * @param jobSeconds      from the job's start to its end, queue wait excluded, loading and saving included
     * @param proof           the phase's proof numbers (PHASES.md, the stats contract), copied from its stats
     * @param handoffs        the statuses of the handoffs that fed this phase (e.g. {@code completed: 4})
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Phase(ModelPhase phase, String status, String jobId, String message, Instant startedAt,
                        Instant finishedAt, Double wallTimeSeconds, Double jobSeconds, String winnerModelId,
                        Long winnerBytes, Map<String, Object> proof, Map<String, Integer> handoffs) {
    }

    /**
     * A model of the lineage.
     *
     * @param role    {@code ancestor}, {@code cognate} or {@code winner} (the final artifact is the last winner)
     * @param parents the models the phase that made it took as input (its stats' {@code input_models})
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LineageModel(String modelId, String name, ModelPhase phase, String role, long fileSize,
                               String checksum, List<String> parents) {
    }
}
