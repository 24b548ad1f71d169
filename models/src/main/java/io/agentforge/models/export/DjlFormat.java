package io.agentforge.models.export;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import io.agentforge.models.inference.ModelDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code djl}: the named parameters in DJL's native NDList encoding ({@code model.ndlist}, read back with
 * {@code NDList.decode(manager, in)}, names kept) and {@code config.json}; a compressed model's parameters are its
 * decoded (sha256-checked) tensors.
 */
record DjlFormat() implements ExportFormat {
    public static final String PARAMETERS = "model.ndlist";

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public void write(String modelId, Path modelDir, Path target) {
        if (ModelDirectories.isPacked(modelDir)) {
            try (var model = ModelDirectories.load(modelId, modelDir);
                 var out = Files.newOutputStream(target.resolve(PARAMETERS))) {
                new NDList(model.parameters().values()).encode(out, NDList.Encoding.ND_LIST);
                Files.copy(ExportFormat.required(modelId, modelDir, CONFIG), target.resolve(CONFIG));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot export model " + modelId, e);
            }
            return;
        }
        var weights = ExportFormat.required(modelId, modelDir, WEIGHTS);
        var config = ExportFormat.required(modelId, modelDir, CONFIG);
        try (var manager = NDManager.newBaseManager();
             var in = Files.newInputStream(weights);
             var out = Files.newOutputStream(target.resolve(PARAMETERS))) {
            NDList.decode(manager, in).encode(out, NDList.Encoding.ND_LIST);
            Files.copy(config, target.resolve(CONFIG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export model " + modelId, e);
        }
    }
}
