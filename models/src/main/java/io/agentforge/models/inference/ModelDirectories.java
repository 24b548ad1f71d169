package io.agentforge.models.inference;

import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.engine.compression.CorruptArtifactException;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.contracts.models.ModelArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * Loads the engine model of an unpacked artifact, whichever form its weights take: fp32 safetensors, or the final
 * compression's packed file ({@value ModelExport#PACKED}), which is decoded with every tensor's sha256 checked. A
 * packed file that does not match its hashes is a 409 {@code artifact_corrupted}, never a silently different model.
 */
public final class ModelDirectories {

    private ModelDirectories() {
    }

    /** Whether the directory holds packed weights. */
    public static boolean isPacked(Path dir) {
        return ModelExport.isPacked(dir);
    }

    /**
     * The directory's model; the caller closes it.
     *
     * @throws ConflictException {@code artifact_not_a_model} when it is no model directory, {@code artifact_corrupted}
     *                           when packed weights fail their check
     */
    public static LanguageModel load(String modelId, Path dir) {
        if (!ModelExport.isModel(dir)) {
            throw ModelArchive.notAModel(modelId, "it needs " + ModelExport.CONFIG + " and " + ModelExport.WEIGHTS
                    + " or " + ModelExport.PACKED);
        }
        try {
            return ModelExport.load(dir);
        } catch (CorruptArtifactException e) {
            var details = new LinkedHashMap<String, Object>();
            details.put("reason", "artifact_corrupted");
            details.put("model_id", modelId);
            details.put("format", "packed");
            // The message names the file's part that failed (header, manifest, a stream, a tensor); not the scratch path.
            var what = e.getMessage().replace(dir.resolve(ModelExport.PACKED).toString(), ModelExport.PACKED);
            throw new ConflictException("artifact of model " + modelId + " is not served: its packed weights are "
                    + "corrupt: " + what, details);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + modelId, e);
        } catch (IllegalArgumentException e) {
            // The engine refuses weights that do not match the config: the artifact is inconsistent, not the request.
            throw ModelArchive.notAModel(modelId, "the engine cannot load it: " + e.getMessage());
        }
    }
}
