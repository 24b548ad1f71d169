package io.agentforge.models.export;

import io.agentforge.engine.export.ModelExport;
import io.agentforge.contracts.models.ModelArchive;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How one model's unpacked directory becomes its folder in an export.
 */
sealed interface ExportFormat permits PytorchFormat, DjlFormat {
    /** The model's shape, as the engine writes it. */
    String CONFIG = ModelExport.CONFIG;
    /** The weights, as the engine writes them: safetensors with the engine's parameter names. */
    String WEIGHTS = ModelExport.WEIGHTS;
    /** The training record, copied when metadata is included. */
    String TRAINING_STATS = ModelExport.STATS;

    /** The {@code export_format} spelling. */
    String name();

    /** Writes the model in this format into {@code target} (which exists and is empty). */
    void write(String modelId, Path modelDir, Path target);

    /** A file the engine always writes; its absence means the artifact is no model directory. */
    static Path required(String modelId, Path modelDir, String file) {
        var path = modelDir.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw ModelArchive.notAModel(modelId, "no " + file);
        }
        return path;
    }
}
