package io.agentforge.api.phases;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * All eight phases by wire name, in pipeline order, and how many are done and running.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PhasesOverview(Map<String, PhaseStatus> phases, Summary summary) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(int totalPhases, int completedPhases, int runningPhases) {
    }
}
