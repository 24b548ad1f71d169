package io.agentforge.engine.export;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentforge.engine.checkpoint.AtomicFiles;
import io.agentforge.engine.compression.PackOptions;
import io.agentforge.engine.compression.PackReport;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a model to a directory and loads it back. Each file is written atomically. A model directory holds its
 * weights either as fp32 safetensors ({@value #WEIGHTS}) or packed ({@value #PACKED}, the final compression's
 * container, whose tensors are checked against their sha256 as they are read); {@link #load} reads either.
 */
public final class ModelExport {

    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String STATS = "training_stats.json";
    /** The packed weights of a compressed model ({@link PackedModel}); its presence marks the directory as packed. */
    public static final String PACKED = "model.afpack";

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

    /**
     * Packs the model into {@code dir} as {@value #PACKED}, beside its {@value #CONFIG} (the config the packed model
     * unpacks to, so that a reader of the directory sees its shape without decoding it).
     */
    public static PackReport savePacked(LanguageModel model, PackOptions options, Path dir) throws IOException {
        Files.createDirectories(dir);
        var report = PackedModel.write(model, options, dir.resolve(PACKED));
        AtomicFiles.write(dir.resolve(CONFIG), out -> out.write(JSON.writeValueAsBytes(report.manifest().config())));
        return report;
    }

    /** Whether the directory holds packed weights ({@value #PACKED}) rather than safetensors. */
    public static boolean isPacked(Path dir) {
        return Files.isRegularFile(dir.resolve(PACKED));
    }

    /** Whether the directory holds a model this class can load: a config and weights in either form. */
    public static boolean isModel(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG)) && (isPacked(dir) || Files.isRegularFile(dir.resolve(WEIGHTS)));
    }

    /**
     * Loads the model of the directory: the packed weights when there are any, else the safetensors.
     *
     * @throws io.agentforge.engine.compression.CorruptArtifactException when packed bytes do not match their sha256
     */
    public static LanguageModel load(Path dir) throws IOException {
        if (isPacked(dir)) {
            return PackedModel.read(dir.resolve(PACKED));
        }
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
