package io.agentforge.contracts.training;

import io.agentforge.contracts.Parameters;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.Map;

/**
 * What a caller submits to start a job: the phase, its core config and its phase parameters (SPEC section 7).
 *
 * @param priority higher runs first among pending jobs; 0 when absent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobRequest(ModelPhase phase, TrainingConfig config, Map<String, Object> parameters, Integer priority) {
    public JobRequest {
        parameters = Parameters.copyOf(parameters);
        if (priority == null) {
            priority = 0;
        }
    }
}
