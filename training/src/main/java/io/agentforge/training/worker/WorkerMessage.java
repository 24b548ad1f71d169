package io.agentforge.training.worker;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One line of the worker's stdout: what the worker tells its supervisor. Closed set: the supervisor handles each.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = WorkerMessage.Started.class, name = "started"),
        @JsonSubTypes.Type(value = WorkerMessage.Progress.class, name = "progress"),
        @JsonSubTypes.Type(value = WorkerMessage.Checkpointed.class, name = "checkpointed"),
        @JsonSubTypes.Type(value = WorkerMessage.Heartbeat.class, name = "heartbeat"),
        @JsonSubTypes.Type(value = WorkerMessage.Stopped.class, name = "stopped"),
        @JsonSubTypes.Type(value = WorkerMessage.Completed.class, name = "completed"),
        @JsonSubTypes.Type(value = WorkerMessage.Failed.class, name = "failed"),
        @JsonSubTypes.Type(value = WorkerMessage.SubJobsRequested.class, name = "sub_jobs_requested")})
public sealed interface WorkerMessage {

    /** The worker is up; {@code resumedFromStep} is 0 for a fresh start. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Started(int totalSteps, int resumedFromStep, long pid) implements WorkerMessage {
    }

    /** One measured step (metrics {@code loss}, {@code lr}, {@code tokens_per_sec}, {@code eta_seconds}, evals). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Progress(int step, int totalSteps, String message, Map<String, Double> metrics) implements WorkerMessage {
    }

    /** A checkpoint at this step is on disk; a restart continues from it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Checkpointed(int step) implements WorkerMessage {
    }

    /** Sent on a timer by its own thread, so that a long step does not look like a hung worker. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Heartbeat(int step) implements WorkerMessage {
    }

    /** Stopped on request after a checkpoint at {@code step}; the process exits with {@link WorkerMain#EXIT_STOPPED}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stopped(int step) implements WorkerMessage {
    }

    /** The job's work is done; the artifacts are complete on disk, in the order they are to be saved. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Completed(int step, List<Artifact> artifacts, Map<String, Double> metrics) implements WorkerMessage {
        public Completed {
            artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        }
    }

    /**
     * The run threw; the process exits with {@link WorkerMain#EXIT_FAILED}.
     *
     * @param retryable false when a retry would fail the same way (a bad configuration, a NaN loss)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Failed(String reason, boolean retryable) implements WorkerMessage {
    }

    /**
     * Queue these tasks as sub-jobs of this job, for any replica to run, and send back each one's {@link SubJobResult}
     * when it is done. The worker waits meanwhile, and its job does not count against the replica's slots, so that
     * its sub-jobs can run even where one job at a time is allowed.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SubJobsRequested(List<SubJobTask> tasks) implements WorkerMessage {
        public SubJobsRequested {
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * A model the worker produced, as a directory of files (safetensors, config.json, training_stats.json).
     *
     * @param role           {@code ancestor} for a shared initial state, {@code model} for a trained model
     * @param parent         the name of the artifact of this run this one started from, or null
     * @param parentModelIds input models (saved before the run) this one derives from, such as a merge's parents
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Artifact(String name, String role, Path directory, String parent, Map<String, Object> parameters,
                    Map<String, Double> metrics, List<String> parentModelIds) {
        public Artifact {
            parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
            parentModelIds = parentModelIds == null ? List.of() : List.copyOf(parentModelIds);
        }

        public Artifact(String name, String role, Path directory, String parent, Map<String, Object> parameters,
                        Map<String, Double> metrics) {
            this(name, role, directory, parent, parameters, metrics, List.of());
        }
    }
}
