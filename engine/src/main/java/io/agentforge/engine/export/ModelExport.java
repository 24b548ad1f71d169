package io.agentforge.engine.export;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentforge.engine.checkpoint.AtomicFiles;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Saves a model to a directory and loads it back. Each file is written atomically. */
public final class ModelExport {

    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String STATS = "training_stats.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelExport() {
    }

    /** Writes the parameters and config, and the stats when given (null for an untrained ancestor). */
    public static void save(LanguageModel model, TrainingStats stats, Path dir) throws IOException {
        Files.createDirectories(dir);
        // The parameters already carry their export names (see package-info).
        var weights = new NDList(model.parameters().values());
        AtomicFiles.write(dir.resolve(WEIGHTS), out -> weights.encode(out, NDList.Encoding.SAFETENSORS));
        AtomicFiles.write(dir.resolve(CONFIG), out -> out.write(JSON.writeValueAsBytes(model.config())));
        if (stats != null) {
            AtomicFiles.write(dir.resolve(STATS), out -> out.write(JSON.writeValueAsBytes(stats)));
        }
    }

    public static LanguageModel load(Path dir) throws IOException {
        TransformerConfig config = readConfig(dir);
        try (NDManager scratch = NDManager.newBaseManager(); InputStream in = Files.newInputStream(dir.resolve(WEIGHTS))) {
            return LanguageModel.fromParameters(config, NDList.decode(scratch, in));
        }
    }

    public static TransformerConfig readConfig(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(CONFIG).toFile(), TransformerConfig.class);
    }

    public static TrainingStats readStats(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(STATS).toFile(), TrainingStats.class);
    }
}
