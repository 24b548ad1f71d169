package io.agentforge.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BitLinearTest {

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.4})
    void gradientReachingTheLatentWeightIsTheGradientOfTheEffectiveWeight(double strength) {
        var random = new Random(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = leaf(manager, gaussian(random, 48, 0.05f), new Shape(8, 6));
            NDArray x = leaf(manager, gaussian(random, 36, 1f), new Shape(2, 3, 6));
            NDArray bias = manager.create(gaussian(random, 8, 0.1f), new Shape(8));
            NDArray upstream = manager.create(gaussian(random, 48, 1f), new Shape(2, 3, 8));
            float[] output;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = BitLinear.forward(x, weight, bias, false, strength);
                output = y.toFloatArray();
                collector.backward(y.mul(upstream).sum());
            }

            // The same layer written with the effective weight and input as leaves of their own.
            NDArray effectiveWeight = leaf(manager, blend(weight.toFloatArray(), BitLinear.ternary(weight, manager).toFloatArray(), strength), weight.getShape());
            NDArray effectiveInput = leaf(manager, blend(x.toFloatArray(), BitLinear.int8Activations(x).toFloatArray(), strength), x.getShape());
            float[] reference;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = effectiveInput.getNDArrayInternal().linear(effectiveInput, effectiveWeight, bias).singletonOrThrow();
                reference = y.toFloatArray();
                collector.backward(y.mul(upstream).sum());
            }
            float[] latentGradient = weight.getGradient().toFloatArray();
            assertThat(output).containsExactly(reference, within(1e-6f));
            assertThat(latentGradient).containsExactly(effectiveWeight.getGradient().toFloatArray(), within(1e-6f));
            assertThat(x.getGradient().toFloatArray()).containsExactly(effectiveInput.getGradient().toFloatArray(), within(1e-6f));
            assertThat(maxAbs(latentGradient)).isGreaterThan(0.01f);
        }
    }

    @Test
    void int8RoundTripIsOffByAtMostAbsmaxOver254PerToken() {
        var random = new Random(7);
        int tokens = 6;
        int width = 40;
        float[] values = new float[tokens * width];
        float[] scales = {1e-3f, 0.5f, 1f, 37f, 1e4f, 0f};
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < width; i++) {
                values[t * width + i] = (float) random.nextGaussian() * scales[t];
            }
        }
        values[3 * width + 5] = 900f; // a spike: the rest of its token gets coarse steps
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] restored = BitLinear.int8Activations(manager.create(values, new Shape(tokens, width))).toFloatArray();
            for (int t = 0; t < tokens; t++) {
                float absMax = 0;
                for (int i = 0; i < width; i++) {
                    absMax = Math.max(absMax, Math.abs(values[t * width + i]));
                }
                var levels = new HashSet<Long>();
                for (int i = 0; i < width; i++) {
                    int at = t * width + i;
                    assertThat(Math.abs(restored[at] - values[at])).as("token %d, element %d", t, i)
                            .isLessThanOrEqualTo(absMax / 254 * (1 + 1e-5f));
                    double level = absMax == 0 ? 0 : restored[at] * 127.0 / absMax;
                    assertThat(level).isCloseTo(Math.rint(level), within(1e-3));
                    levels.add(Math.round(level));
                }
                assertThat(levels).allMatch(l -> l >= -128 && l <= 127);
            }
            for (int i = 5 * width; i < 6 * width; i++) {
                assertThat(restored[i] == 0).as("all-zero token, element %d", i).isTrue();
            }
        }
    }

    @Test
    void ternaryIsGammaTimesRoundClipOfTheAbsmeanScaledWeight() {
        var random = new Random(11);
        float[] w = gaussian(random, 200, 0.3f);
        w[17] = 5f; // an outlier clips to +γ
        w[18] = -1e-6f; // rounds to a zero that must not be −0
        double gamma = 0;
        for (float v : w) {
            gamma += Math.abs(v);
        }
        gamma /= w.length;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(w, new Shape(10, 20));
            float[] q = BitLinear.ternary(weight, manager).toFloatArray();
            float g = BitLinear.scale(weight);
            assertThat((double) g).isCloseTo(gamma, within(1e-6));
            var bits = new HashSet<Integer>();
            for (int i = 0; i < w.length; i++) {
                long expected = Math.max(-1, Math.min(1, Math.round(w[i] / (gamma + 1e-5))));
                assertThat(q[i]).as("element %d", i).isEqualTo(expected * g, within(1e-7f));
                bits.add(Float.floatToRawIntBits(q[i]));
            }
            assertThat(bits).containsExactlyInAnyOrder(Float.floatToRawIntBits(-g), 0, Float.floatToRawIntBits(g));
        }
    }

    @Test
    void quantizedForwardAndBackwardLeaveNothingInTheModelsManager() {
        for (Quantization mode : new Quantization[] {Quantization.BITNET, Quantization.TERNARY}) {
            try (var model = LanguageModel.initialize(TransformerConfig.tiny().withQuantization(mode), 2)) {
                var modelManager = model.parameters().get("tok_embeddings.weight").getManager();
                int before = modelManager.getManagedArrays().size();
                model.setQuantizationStrength(mode == Quantization.BITNET ? 0.5 : 1.0);
                for (int step = 0; step < 3; step++) {
                    try (NDManager scope = NDManager.newBaseManager();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray tokens = scope.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
                        collector.backward(model.forward(tokens).mean());
                    }
                    try (var cache = new KvCache(model.config()); NDManager scope = NDManager.newBaseManager()) {
                        model.forward(scope.create(new long[] {7, 8}, new Shape(1, 2)), cache);
                        model.forward(scope.create(new long[] {9}, new Shape(1, 1)), cache);
                    }
                }
                assertThat(modelManager.getManagedArrays()).as(mode.toString()).hasSize(before);
                BitLinear.scale(model.parameters().get("layers.0.mlp.up.weight"));
                assertThat(modelManager.getManagedArrays()).as(mode.toString()).hasSize(before);
            }
        }
    }

    @Test
    void namesTheFourProjectionWeightsOnly() {
        assertThat(BitLinear.isQuantizedWeight("layers.0.attn.qkv.weight")).isTrue();
        assertThat(BitLinear.isQuantizedWeight("layers.12.mlp.down.weight")).isTrue();
        assertThat(BitLinear.isQuantizedWeight("layers.0.attn.qkv.bias")).isFalse();
        assertThat(BitLinear.isQuantizedWeight("layers.0.attn_norm.weight")).isFalse();
        assertThat(BitLinear.isQuantizedWeight("tok_embeddings.weight")).isFalse();
        assertThat(BitLinear.isQuantizedWeight("lm_head.weight")).isFalse();
    }

    private static float[] blend(float[] latent, float[] quantized, double strength) {
        float[] out = new float[latent.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = strength == 1 ? quantized[i] : (float) (latent[i] + strength * (quantized[i] - latent[i]));
        }
        return out;
    }

    private static NDArray leaf(NDManager manager, float[] values, Shape shape) {
        NDArray array = manager.create(values, shape);
        array.setRequiresGradient(true);
        return array;
    }

    static float[] gaussian(Random random, int n, float std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian() * std;
        }
        return values;
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
