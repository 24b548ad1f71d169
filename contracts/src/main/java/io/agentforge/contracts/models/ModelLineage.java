package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Where a model came from and what was made from it.
 *
 * @param parentModelIds the models it was derived from (a merge has several), in the order they were given
 * @param childModelIds  the models derived from it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelLineage(String modelId, List<String> parentModelIds, List<String> childModelIds) {
    public ModelLineage {
        parentModelIds = parentModelIds == null ? List.of() : List.copyOf(parentModelIds);
        childModelIds = childModelIds == null ? List.of() : List.copyOf(childModelIds);
    }
}
