package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.List;

/**
 * A model passed from one phase to the next (SPEC section 3).
 *
 * @param status {@code pending} when the phase hands the model on, {@code accepted} when the next phase's job starts
 *               with it, then {@code completed} when that job completes or {@code rejected} when it fails
 * @param reason why a handoff was rejected; null otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelHandoff(String handoffId, ModelPhase fromPhase, ModelPhase toPhase, String modelId,
                           Instant createdAt, String status, String reason) {
    public static final String PENDING = "pending";
    public static final String ACCEPTED = "accepted";
    public static final String COMPLETED = "completed";
    public static final String REJECTED = "rejected";
    /** Every status, in lifecycle order. */
    public static final List<String> STATUSES = List.of(PENDING, ACCEPTED, COMPLETED, REJECTED);

    public ModelHandoff(String handoffId, ModelPhase fromPhase, ModelPhase toPhase, String modelId, Instant createdAt,
                        String status) {
        this(handoffId, fromPhase, toPhase, modelId, createdAt, status, null);
    }
}
