package io.agentforge.api.phases;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.phases.ModelPhase;

/** The answer to a phase start: the queued job. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PhaseStarted(String jobId, ModelPhase phase, String message) {
}
