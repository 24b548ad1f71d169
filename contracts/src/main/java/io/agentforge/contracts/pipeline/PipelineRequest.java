package io.agentforge.contracts.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.Parameters;
import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /pipeline/run}.
 *
 * @param parameters parameters every phase accepts (SPEC section 7), given to every phase
 * @param phases     per phase (by its wire name), parameters that override or add to the common ones for that phase
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineRequest(Map<String, Object> parameters, Map<String, Map<String, Object>> phases) {
    public PipelineRequest {
        parameters = Parameters.copyOf(parameters);
        var copy = new LinkedHashMap<String, Map<String, Object>>();
        if (phases != null) {
            for (var entry : phases.entrySet()) {
                if (entry.getValue() == null) {
                    throw new InvalidRequestException("phases." + entry.getKey(),
                            "an object of parameters; leave the phase out for the common ones", null);
                }
                copy.put(entry.getKey(), named(entry.getKey(), entry.getValue()));
            }
        }
        phases = Collections.unmodifiableMap(copy);
    }

    public static PipelineRequest empty() {
        return new PipelineRequest(null, null);
    }

    private static Map<String, Object> named(String phase, Map<String, Object> overrides) {
        for (var entry : overrides.entrySet()) {
            if (entry.getValue() == null) {
                throw new InvalidRequestException("phases." + phase + "." + entry.getKey(),
                        "a value; leave the parameter out for its default", null);
            }
        }
        return Map.copyOf(overrides);
    }
}
