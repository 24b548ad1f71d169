package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Where a model came from (the models it was made from) and what was made from it, as the registry records, and its
 * handoffs between phases with their status ({@link ModelHandoff#STATUSES}) and the reason of a rejection.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelLineage(String modelId, List<String> parentModelIds, List<String> childModelIds,
                           List<ModelHandoff> handoffs) {
    public ModelLineage {
        parentModelIds = parentModelIds == null ? List.of() : List.copyOf(parentModelIds);
        childModelIds = childModelIds == null ? List.of() : List.copyOf(childModelIds);
        handoffs = handoffs == null ? List.of() : List.copyOf(handoffs);
    }

    public ModelLineage(String modelId, List<String> parentModelIds, List<String> childModelIds) {
        this(modelId, parentModelIds, childModelIds, List.of());
    }
}
