package io.agentforge.contracts.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * One measured point of a running job: the payload of {@code training_progress} events and of a job's metric history.
 *
 * @param metrics measured values by name, e.g. {@code loss}, {@code lr}, {@code tokens_per_sec}, {@code eta_seconds}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingProgress(String jobId, double progress, int currentStep, int totalSteps, String message,
                               Map<String, Double> metrics, Instant timestamp) {
    public TrainingProgress {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
