package io.agentforge.contracts.models;

import io.agentforge.contracts.Parameters;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.List;
import java.util.Map;

/**
 * What a producer (a training job, an upload) tells the Model service about an artifact it hands over.
 *
 * @param parentModelIds the models this one was derived from (merges have several); empty for a fresh model
 */
public record NewModel(String name, ModelPhase phase, String trainingJobId, Map<String, Object> parameters,
                       Map<String, Double> metrics, List<String> tags, List<String> parentModelIds) {
    public NewModel {
        parameters = Parameters.copyOf(parameters);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        tags = tags == null ? List.of() : List.copyOf(tags);
        parentModelIds = parentModelIds == null ? List.of() : List.copyOf(parentModelIds);
    }
}
