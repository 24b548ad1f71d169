package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Totals over the models a listing matched (the {@code summary} of {@code GET /models}).
 *
 * @param totalModels     how many models matched
 * @param totalParameters the sum of their {@code parameter_count} parameters (models without one count 0)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelSummary(long totalModels, long totalParameters) {
}
