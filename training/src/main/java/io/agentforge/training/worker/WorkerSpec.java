package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Everything a worker needs to run (or continue) a job. Written by the supervisor into the job's directory, which
 * also holds the job's checkpoints: a worker started again with the same spec continues where the last one stopped.
 *
 * @param jobDir  the job's own directory: checkpoints, exports, the worker logs
 * @param attempt 1 for the first start, counting up with each restart after a crash
 * @param inputs  the models handed to the phase, downloaded into the job directory (empty for Cognate)
 * @param task    for a sub-job, its task (run by the task's runner, with the parent's parameters); null for a phase job
 * @param replica the Training instance that runs the job (its lease owner), recorded with what the run measures; null
 *                when no service started the worker
 */
public record WorkerSpec(String jobId, ModelPhase phase, PhaseParameters parameters, Path jobDir, int attempt,
                         List<InputModel> inputs, SubJobTask task, String replica) {

    public WorkerSpec {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** A phase job's spec. */
    public WorkerSpec(String jobId, ModelPhase phase, PhaseParameters parameters, Path jobDir, int attempt,
                      List<InputModel> inputs) {
        this(jobId, phase, parameters, jobDir, attempt, inputs, null, null);
    }

    /** A job of a phase without input models. */
    public WorkerSpec(String jobId, ModelPhase phase, PhaseParameters parameters, Path jobDir, int attempt) {
        this(jobId, phase, parameters, jobDir, attempt, List.of());
    }

    public static final String FILE_NAME = "worker-spec.json";

    /** Writes the spec into the job directory (atomically: a worker never reads half a spec) and returns its path. */
    public Path write() {
        try {
            Files.createDirectories(jobDir);
            var target = jobDir.resolve(FILE_NAME);
            var temporary = jobDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(temporary, Json.write(this));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WorkerSpec read(Path file) throws IOException {
        return Json.mapper().readValue(file.toFile(), WorkerSpec.class);
    }
}
