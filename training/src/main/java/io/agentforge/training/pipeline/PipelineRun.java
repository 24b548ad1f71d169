package io.agentforge.training.pipeline;

import io.agentforge.contracts.phases.ModelPhase;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of {@code pipeline_runs}.
 *
 * @param status     {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param overrides  per phase wire name, the parameters that override the common ones
 * @param leaseOwner the Training replica that drives it, null when nobody does
 */
record PipelineRun(String id, String status, Map<String, Object> parameters,
                   Map<String, Map<String, Object>> overrides, ModelPhase currentPhase, String message,
                   Instant createdAt, Instant finishedAt, String leaseOwner, Instant leaseExpiresAt,
                   String traceparent) {

    boolean running() {
        return "running".equals(status);
    }

    /** The parameters of one phase's job: the common ones, then the phase's overrides. */
    Map<String, Object> parametersOf(ModelPhase phase) {
        var merged = new LinkedHashMap<>(parameters);
        merged.putAll(overrides.getOrDefault(phase.wireName(), Map.of()));
        return merged;
    }
}
