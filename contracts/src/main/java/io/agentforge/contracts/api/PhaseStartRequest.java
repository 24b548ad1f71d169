package io.agentforge.contracts.api;

import io.agentforge.contracts.Parameters;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * The body of {@code POST /phases/{phase}/start}; clients may send {@code {}}.
 *
 * @param phaseName    optional; when present it must match the path
 * @param realTraining true when absent; false is refused, there is no simulated training
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PhaseStartRequest(String phaseName, Map<String, Object> parameters, Boolean realTraining) {
    public PhaseStartRequest {
        parameters = Parameters.copyOf(parameters);
        if (realTraining == null) {
            realTraining = Boolean.TRUE;
        }
    }
}
