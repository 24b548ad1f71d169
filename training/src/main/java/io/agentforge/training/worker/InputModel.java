package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.nio.file.Path;

/**
 * A model handed to the job's phase: downloaded from the Model service by the supervisor as its stored archive, and
 * checked and unpacked by the worker.
 *
 * @param handoffId the handoff that names it
 * @param role      its role in the previous phase ({@code model}, {@code ancestor}, {@code winner})
 * @param checksum  the sha256 the Model service recorded for the archive
 * @param archive   the downloaded archive
 * @param directory where the worker unpacked it (null until then)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InputModel(String handoffId, String modelId, String name, String role, String checksum, Path archive,
                         Path directory) {

    public InputModel unpackedInto(Path dir) {
        return new InputModel(handoffId, modelId, name, role, checksum, archive, dir);
    }
}
