package io.agentforge.api.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.models.ModelMetadata;

import java.util.List;
import java.util.Map;

/** One page of models and the totals over every model the filter matched. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelListing(List<ModelMetadata> items, long total, int offset, int limit, Summary summary) {

    /**
     * @param totalParameters the sum of the models' {@code parameter_count} (0 for a model without one)
     * @param byPhase         model counts by phase wire name
     * @param winners         how many of the models are their phase's winner
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(long totalModels, long totalParameters, long totalSizeBytes, Map<String, Long> byPhase,
                          long winners) {
    }
}
