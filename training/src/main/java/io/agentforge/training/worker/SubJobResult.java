package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * What became of a sub-job, as the supervisor tells the worker that asked for it: one JSON line on the worker's stdin.
 *
 * @param status  {@code completed} or {@code failed}
 * @param stats   the sub-job's stats (its result), with {@code replica} the Training instance that ran it; null if failed
 * @param error   why it failed; null if completed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SubJobResult(String key, String status, Map<String, Object> stats, String error) {
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}
