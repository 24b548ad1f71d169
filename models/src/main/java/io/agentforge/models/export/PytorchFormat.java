package io.agentforge.models.export;

import io.agentforge.engine.export.ModelExport;
import io.agentforge.models.inference.ModelDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pytorch}: the weights as safetensors (readable by {@code safetensors.torch.load_file}) and {@code config.json}.
 * The engine already stores its weights this way, under the tensor names its export mapping documents, so the
 * export is a copy of the two files. A compressed model ({@value io.agentforge.engine.export.ModelExport#PACKED}) is
 * decoded (every tensor's sha256 checked) into the safetensors a PyTorch reader expects, and its packed file is
 * copied beside them.
 */
record PytorchFormat() implements ExportFormat {
    @Override
    public String name() {
        return "pytorch";
    }

    @Override
    public void write(String modelId, Path modelDir, Path target) {
        if (ModelDirectories.isPacked(modelDir)) {
            try (var model = ModelDirectories.load(modelId, modelDir)) {
                ModelExport.save(model, null, target);
                Files.copy(modelDir.resolve(ModelExport.PACKED), target.resolve(ModelExport.PACKED));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot export model " + modelId, e);
            }
            return;
        }
        var weights = ExportFormat.required(modelId, modelDir, WEIGHTS);
        var config = ExportFormat.required(modelId, modelDir, CONFIG);
        try {
            Files.copy(weights, target.resolve(WEIGHTS));
            Files.copy(config, target.resolve(CONFIG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export model " + modelId, e);
        }
    }
}
