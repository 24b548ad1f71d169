package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * A piece of a job's work that the job hands to the shared queue, so that any Training replica can do it: a sub-job.
 * The supervisor queues it under the job as its parent, and once it is done passes its {@link SubJobResult} back.
 *
 * @param kind      what to do; {@link #ADAS_CANDIDATE} is the only kind so far
 * @param key       names the task within its parent: a task asked for again (the parent resumed) is the same sub-job,
 *                  whose result is then already there
 * @param arguments what the kind's runner needs beyond the parent's parameters
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SubJobTask(String kind, String key, Map<String, Object> arguments) {
    /** One ADAS architecture: trained for the short budget and timed ({@link AdasCandidateRun}). */
    public static final String ADAS_CANDIDATE = "adas-candidate";

    public SubJobTask {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }
}
