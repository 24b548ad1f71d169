package io.agentforge.api.phases;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.Map;

/**
 * Where one phase stands, from its latest job (the shape existing dashboards read).
 *
 * @param status {@code ready} when the phase never ran, else the latest job's status
 * @param stats  the latest job's {@code phase_stats.json} once it completed (the stats contract), else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PhaseStatus(ModelPhase phaseName, String status, String jobId, Instant startedAt, double progress,
                          int currentStep, int totalSteps, String message, Map<String, Double> metrics,
                          String error, Map<String, Object> stats) {
    public static final String READY = "ready";

    public PhaseStatus {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    static PhaseStatus neverRun(ModelPhase phase) {
        return new PhaseStatus(phase, READY, null, null, 0, 0, 0,
                phase.displayName() + " has not run yet", Map.of(), null, null);
    }
}
