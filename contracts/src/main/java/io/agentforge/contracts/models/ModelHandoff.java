package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;

/**
 * A model passed from one phase to the next (SPEC section 3).
 *
 * @param status e.g. {@code pending} until the next phase takes the model, then {@code completed}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelHandoff(String handoffId, ModelPhase fromPhase, ModelPhase toPhase, String modelId,
                           Instant createdAt, String status) {
}
