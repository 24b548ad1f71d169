package io.agentforge.contracts.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.Map;

/**
 * A training job as clients see it (SPEC section 3).
 *
 * @param progress fraction done, 0..1
 * @param stats          the run's {@code phase_stats.json} (the stats contract of PHASES.md) once it completed, else
 *                       null
 * @param startedEventId the bus id of the run's first {@code training_started} event, null before it started: a
 *                       WebSocket subscription to {@code jobs/{id}} with {@code since} = it replays the run's events
 *                       (as long as the bus keeps them)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingJob(String jobId, ModelPhase phase, TrainingConfig config, Map<String, Object> parameters,
                          TaskStatus status, Instant createdAt, Instant startedAt, Instant completedAt,
                          double progress, int currentStep, String message, String errorMessage,
                          Map<String, Object> stats, String startedEventId) {
    public TrainingJob {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** A job without stats (not completed, or read where stats are not joined) nor a known start event. */
    public TrainingJob(String jobId, ModelPhase phase, TrainingConfig config, Map<String, Object> parameters,
                       TaskStatus status, Instant createdAt, Instant startedAt, Instant completedAt,
                       double progress, int currentStep, String message, String errorMessage) {
        this(jobId, phase, config, parameters, status, createdAt, startedAt, completedAt, progress, currentStep,
                message, errorMessage, null, null);
    }

    public TrainingJob withStats(Map<String, Object> phaseStats) {
        return new TrainingJob(jobId, phase, config, parameters, status, createdAt, startedAt, completedAt, progress,
                currentStep, message, errorMessage, phaseStats, startedEventId);
    }
}
