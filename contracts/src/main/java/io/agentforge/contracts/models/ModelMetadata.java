package io.agentforge.contracts.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored model (SPEC section 3).
 *
 * @param version  1 for the first model of a name, then counting up
 * @param fileSize artifact size in bytes
 * @param checksum sha256 of the artifact, lower-case hex
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelMetadata(String modelId, String name, ModelPhase phase, int version, String filePath, long fileSize,
                            String checksum, Instant createdAt, String trainingJobId, Map<String, Object> parameters,
                            Map<String, Double> metrics, @JsonProperty("is_winner") boolean isWinner,
                            List<String> tags) {
    public ModelMetadata {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
