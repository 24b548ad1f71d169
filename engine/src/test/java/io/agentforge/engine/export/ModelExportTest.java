package io.agentforge.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelExportTest {

    private static final TransformerConfig UNTIED = new TransformerConfig(272, 16, 2, 32, 4, 48, false);

    @Test
    void loadingAnExportGivesIdenticalLogits(@TempDir Path dir) throws IOException {
        try (LanguageModel model = LanguageModel.initialize(UNTIED, 3); NDManager manager = NDManager.newBaseManager()) {
            ModelExport.save(model, null, dir);
            try (LanguageModel loaded = ModelExport.load(dir)) {
                NDArray tokens = manager.create(new long[] {1, 72, 101, 108, 108, 111, 256, 3, 9, 44}, new Shape(2, 5));
                assertThat(loaded.config()).isEqualTo(UNTIED);
                assertThat(loaded.forward(tokens).toFloatArray()).containsExactly(model.forward(tokens).toFloatArray());
            }
        }
    }

    @Test
    void writesTheDocumentedTensorNamesAndConfigFields(@TempDir Path dir) throws IOException {
        try (LanguageModel model = LanguageModel.initialize(UNTIED, 3)) {
            ModelExport.save(model, null, dir);
        }
        var json = new ObjectMapper();
        var header = safetensorsHeader(dir.resolve(ModelExport.WEIGHTS));
        assertThat(header.has("tok_embeddings.weight")).isTrue();
        assertThat(header.get("layers.1.attn.qkv.weight").get("shape").toString()).isEqualTo("[96,32]");
        assertThat(header.get("layers.0.mlp.up.weight").get("shape").toString()).isEqualTo("[48,32]");
        assertThat(header.get("lm_head.weight").get("dtype").asText()).isEqualTo("F32");
        var config = json.readTree(dir.resolve(ModelExport.CONFIG).toFile());
        assertThat(config.get("d_model").asInt()).isEqualTo(32);
        assertThat(config.get("tied_head").asBoolean()).isFalse();
    }

    @Test
    void trainingStatsCarrySpecFields(@TempDir Path dir) throws IOException {
        var stats = new TrainingStats("m", 2, 1.5, List.of(3.0, 2.0), List.of(1.5), List.of(1e-3, 1e-3), 4.2, 2.0, 100, 0.1, 1.6, 0.25, 1.55);
        try (LanguageModel model = LanguageModel.initialize(TransformerConfig.tiny(), 1)) {
            ModelExport.save(model, stats, dir);
        }
        var json = new ObjectMapper().readTree(dir.resolve(ModelExport.STATS).toFile());
        assertThat(json.fieldNames()).toIterable().contains("model_name", "total_steps", "best_eval_loss",
                "training_loss_history", "eval_loss_history", "learning_rate_history", "training_time", "final_loss",
                "parameter_count", "model_size_mb");
        assertThat(ModelExport.readStats(dir)).isEqualTo(stats);
    }

    /** Reads the JSON header of a safetensors file as another tool would: 8-byte little-endian length, then JSON. */
    private static com.fasterxml.jackson.databind.JsonNode safetensorsHeader(Path file) throws IOException {
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        long length = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return new ObjectMapper().readTree(new String(bytes, 8, (int) length, java.nio.charset.StandardCharsets.UTF_8));
    }
}
