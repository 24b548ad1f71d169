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
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingJob(String jobId, ModelPhase phase, TrainingConfig config, Map<String, Object> parameters,
                          TaskStatus status, Instant createdAt, Instant startedAt, Instant completedAt,
                          double progress, int currentStep, String message, String errorMessage) {
    public TrainingJob {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}
