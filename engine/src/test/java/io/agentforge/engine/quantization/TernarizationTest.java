package io.agentforge.engine.quantization;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.BitLinear;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.NextTokenLoss;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TernarizationTest {

    private static final TransformerConfig BITNET = TransformerConfig.tiny().withQuantization(Quantization.BITNET);
    private static final long[] TOKENS = {72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 256};

    @Test
    void exportHoldsAtMostMinusGammaZeroGammaInEveryProjectionAndKeepsTheRestAsItWas() {
        try (var trained = LanguageModel.initialize(BITNET, 4); var exported = Ternarization.ternarize(trained)) {
            assertThat(exported.config()).isEqualTo(TransformerConfig.tiny().withQuantization(Quantization.TERNARY));
            int projections = 0;
            for (var entry : exported.parameters().entrySet()) {
                float[] values = entry.getValue().toFloatArray();
                if (BitLinear.isQuantizedWeight(entry.getKey())) {
                    projections++;
                    float gamma = BitLinear.scale(trained.parameters().get(entry.getKey()));
                    var bits = new HashSet<Integer>();
                    for (float v : values) {
                        bits.add(Float.floatToRawIntBits(v));
                    }
                    assertThat(bits).as(entry.getKey()).hasSizeLessThanOrEqualTo(3)
                            .isSubsetOf(Float.floatToRawIntBits(-gamma), 0, Float.floatToRawIntBits(gamma));
                } else {
                    assertThat(values).as(entry.getKey()).containsExactly(trained.parameters().get(entry.getKey()).toFloatArray());
                }
            }
            assertThat(projections).isEqualTo(4 * BITNET.layers());
            var report = QuantizationReport.of(exported);
            assertThat(report.ternary()).isTrue();
            assertThat(report.distinctValuesMax()).isEqualTo(3);
        }
    }

    @Test
    void reloadedExportGivesTheSameLossAndLogitsAsTheTrainingModel(@TempDir Path dir) throws IOException {
        try (var trained = LanguageModel.initialize(BITNET, 5); var exported = Ternarization.ternarize(trained);
             NDManager manager = NDManager.newBaseManager()) {
            ModelExport.save(exported, null, dir);
            assertThat(new ObjectMapper().readTree(dir.resolve(ModelExport.CONFIG).toFile()).get("quantization").asText()).isEqualTo("ternary");
            try (var reloaded = ModelExport.load(dir)) {
                assertThat(reloaded.config().quantization()).isEqualTo(Quantization.TERNARY);
                double trainedLoss = NextTokenLoss.of(trained, texts());
                assertThat(NextTokenLoss.of(reloaded, texts())).isCloseTo(trainedLoss, within(1e-6));
                var tokens = manager.create(TOKENS, new Shape(1, TOKENS.length));
                assertThat(reloaded.forward(tokens).toFloatArray()).containsExactly(trained.forward(tokens).toFloatArray());
            }
        }
    }

    @Test
    void strengthZeroComputesAtFullPrecisionAndStrengthOneAsTheTernaryModel() {
        try (var fp = LanguageModel.initialize(TransformerConfig.tiny(), 6); var bitnet = Ternarization.forTraining(fp);
             var ptq = Ternarization.ternarize(fp); NDManager manager = NDManager.newBaseManager()) {
            var tokens = manager.create(TOKENS, new Shape(2, TOKENS.length / 2));
            bitnet.setQuantizationStrength(0);
            assertThat(bitnet.forward(tokens).toFloatArray()).containsExactly(fp.forward(tokens).toFloatArray());
            bitnet.setQuantizationStrength(0.5);
            float[] half = bitnet.forward(tokens).toFloatArray();
            bitnet.setQuantizationStrength(1);
            float[] full = bitnet.forward(tokens).toFloatArray();
            assertThat(full).containsExactly(ptq.forward(tokens).toFloatArray());
            assertThat(half).isNotEqualTo(full).isNotEqualTo(fp.forward(tokens).toFloatArray());
            assertThatThrownBy(() -> bitnet.setQuantizationStrength(1.5)).hasMessageStartingWith("quantization_strength:");
        }
    }

    @Test
    void ternarisingWithoutTrainingChangesWhatTheModelComputes() {
        try (var fp = LanguageModel.initialize(TransformerConfig.tiny(), 6); var ptq = Ternarization.ternarize(fp)) {
            assertThat(QuantizationReport.of(fp).distinctValuesMax()).isGreaterThan(1000);
            assertThat(NextTokenLoss.of(ptq, texts())).isNotCloseTo(NextTokenLoss.of(fp, texts()), within(1e-4));
        }
    }

    @Test
    void aTernaryModelTurnedBackIntoLatentWeightsQuantizesToItself() {
        try (var fp = LanguageModel.initialize(TransformerConfig.tiny(), 8); var ternary = Ternarization.ternarize(fp);
             var latent = Ternarization.forTraining(ternary); var again = Ternarization.ternarize(latent)) {
            assertThat(latent.config().quantization()).isEqualTo(Quantization.BITNET);
            ternary.parameters().forEach((name, array) -> {
                float[] before = array.toFloatArray();
                float[] after = again.parameters().get(name).toFloatArray();
                for (int i = 0; i < before.length; i++) {
                    assertThat(Math.signum(after[i])).as("%s[%d]", name, i).isEqualTo(Math.signum(before[i]));
                    assertThat(after[i]).as("%s[%d]", name, i).isCloseTo(before[i], within(Math.abs(before[i]) * 1e-5f));
                }
            });
        }
    }

    @Test
    void reportCountsZerosAndDistinctValuesOfTheMatricesTheModelComputesWith() {
        try (var bitnet = LanguageModel.initialize(BITNET, 9)) {
            var report = QuantizationReport.of(bitnet);
            assertThat(report.matrices()).hasSize(4 * BITNET.layers()).containsKey("layers.1.mlp.down.weight");
            try (NDManager manager = NDManager.newBaseManager()) {
                float[] q = BitLinear.ternary(bitnet.parameters().get("layers.1.mlp.down.weight"), manager).toFloatArray();
                long zeros = 0;
                for (float v : q) {
                    zeros += v == 0 ? 1 : 0;
                }
                assertThat(report.zeroFractions().get("layers.1.mlp.down.weight")).isEqualTo((double) zeros / q.length);
            }
            // Gaussian weights at absmean γ: |W| < γ/2 for about 31% of them.
            assertThat(report.zeroFractions().values()).allSatisfy(p -> assertThat(p).isBetween(0.2, 0.45));
            assertThat(report.distinctValuesMax()).isEqualTo(3);
        }
        assertThat(QuantizationReport.distinctValues(new float[] {0f, -0f, 1f, 1f, -2f})).isEqualTo(3);
        assertThat(QuantizationReport.zeroFraction(new float[] {0f, -0f, 1f, 2f})).isEqualTo(0.5);
    }

    @Test
    void configJsonCarriesTheModeAndAConfigWithoutItIsFullPrecision(@TempDir Path dir) throws IOException {
        try (var model = LanguageModel.initialize(BITNET, 1)) {
            ModelExport.save(model, null, dir);
        }
        assertThat(ModelExport.readConfig(dir)).isEqualTo(BITNET);
        var json = new ObjectMapper();
        var config = (ObjectNode) json.readTree(dir.resolve(ModelExport.CONFIG).toFile());
        assertThat(config.get("quantization").asText()).isEqualTo("bitnet");
        config.remove("quantization");
        Files.write(dir.resolve(ModelExport.CONFIG), json.writeValueAsBytes(config));
        assertThat(ModelExport.readConfig(dir)).isEqualTo(TransformerConfig.tiny());
        assertThat(ModelExport.readConfig(dir).quantization()).isEqualTo(Quantization.NONE);
    }

    private static List<int[]> texts() {
        var tokenizer = new ByteTokenizer();
        return List.of(tokenizer.encode("Q: 2+3=? A: 5"), tokenizer.encode("Q: 7+1=? A: 8"), tokenizer.encode("the cat sat on the mat"),
                tokenizer.encode("Q: 4+4=? A: 8"), tokenizer.encode("a ternary model"));
    }
}
