package io.agentforge.engine.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LanguageModelTest {

    @Test
    void theSameSeedDrawsTheSameParameters() {
        try (var a = LanguageModel.initialize(TransformerConfig.tiny(), 5); var b = LanguageModel.initialize(TransformerConfig.tiny(), 5)) {
            a.parameters().forEach((name, array) ->
                    assertThat(b.parameters().get(name).toFloatArray()).as(name).containsExactly(array.toFloatArray()));
        }
    }

    @Test
    void gpt2InitDrawsSmallWeightsAndUnitNorms() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 1)) {
            assertThat(std(model.parameters().get("tok_embeddings.weight").toFloatArray())).isCloseTo(0.02, within(0.002));
            assertThat(model.parameters().get("layers.0.attn_norm.weight").toFloatArray()).containsOnly(1f);
            assertThat(model.parameters().get("layers.0.mlp.up.bias").toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void torchDefaultInitDrawsUnitEmbeddingsAndFanInBoundedLinears() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 1, LanguageModel.Init.TORCH_DEFAULT)) {
            assertThat(std(model.parameters().get("tok_embeddings.weight").toFloatArray())).isCloseTo(1.0, within(0.05));
            float[] up = model.parameters().get("layers.0.mlp.up.weight").toFloatArray();       // fan-in d_model 32
            float[] down = model.parameters().get("layers.0.mlp.down.weight").toFloatArray();   // fan-in ffn 64
            float[] downBias = model.parameters().get("layers.0.mlp.down.bias").toFloatArray();
            assertThat(maxAbs(up)).isLessThanOrEqualTo((float) (1 / Math.sqrt(32))).isGreaterThan(0.9f / (float) Math.sqrt(32));
            assertThat(maxAbs(down)).isLessThanOrEqualTo((float) (1 / Math.sqrt(64))).isGreaterThan(0.9f / (float) Math.sqrt(64));
            assertThat(maxAbs(downBias)).isLessThanOrEqualTo((float) (1 / Math.sqrt(64))).isPositive();
            assertThat(model.parameters().get("final_norm.bias").toFloatArray()).containsOnly(0f);
        }
    }

    private static double std(float[] values) {
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(squares / values.length - mean * mean);
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
