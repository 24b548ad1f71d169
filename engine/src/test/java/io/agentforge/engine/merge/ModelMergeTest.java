package io.agentforge.engine.merge;

import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelMergeTest {

    private static final TransformerConfig TINY = new TransformerConfig(40, 8, 2, 16, 2, 32, true);

    /** Every method at settings under which merging copies of one model must give that model back. */
    private static final List<MergeGenome> IDENTITY_RECIPES = List.of(
            MergeGenome.linear(0.2, 0.3, 0.5),
            MergeGenome.slerp(0, 2, 0.37, 3),
            MergeGenome.taskArithmetic(1.0, 0.2, 0.3, 0.5),
            MergeGenome.ties(1.0, 1.0, 0.2, 0.3, 0.5),
            MergeGenome.dareLinear(1.0, 0.0, 0.2, 0.3, 0.5),
            MergeGenome.dareTies(1.0, 0.0, 0.2, 0.3, 0.5));

    @Test
    void mergingCopiesOfOneModelGivesThatModel() {
        try (var model = LanguageModel.initialize(TINY, 1); var ancestor = LanguageModel.initialize(TINY, 2)) {
            for (MergeGenome genome : IDENTITY_RECIPES) {
                try (var merged = ModelMerge.merge(genome, List.of(model, model, model), ancestor)) {
                    assertSameParameters(merged, model, genome.method().wireName());
                }
            }
        }
    }

    @Test
    void anyRecipeOfAModelWithItselfAsAncestorGivesThatModel() {
        // τ = 0 everywhere: trimming, dropping, λ and the weights have nothing to act on.
        var recipes = List.of(MergeGenome.ties(1.4, 0.2, 0.6, 0.3, 0.1), MergeGenome.dareLinear(0.7, 0.9, 0.6, 0.3, 0.1),
                MergeGenome.dareTies(1.3, 0.5, 0.1, 0.1, 0.8), MergeGenome.taskArithmetic(0.5, 1, 0, 0));
        try (var model = LanguageModel.initialize(TINY, 3)) {
            for (MergeGenome genome : recipes) {
                try (var merged = ModelMerge.merge(genome, List.of(model, model, model), model)) {
                    assertSameParameters(merged, model, genome.method().wireName());
                }
            }
        }
    }

    @Test
    void aOneHotLinearGenomeIsItsParent() {
        try (var a = LanguageModel.initialize(TINY, 1); var b = LanguageModel.initialize(TINY, 2); var c = LanguageModel.initialize(TINY, 3);
             var merged = ModelMerge.merge(MergeGenome.parent(1, 3), List.of(a, b, c), null)) {
            assertSameParameters(merged, b, "parent 1");
        }
    }

    @Test
    void theSoupIsTheElementwiseMeanAndRunsForward() {
        try (var a = LanguageModel.initialize(TINY, 1); var b = LanguageModel.initialize(TINY, 2);
             var merged = ModelMerge.merge(MergeGenome.uniformSoup(2), List.of(a, b), null)) {
            float[] x = a.parameters().get("layers.1.mlp.up.weight").toFloatArray();
            float[] y = b.parameters().get("layers.1.mlp.up.weight").toFloatArray();
            float[] m = merged.parameters().get("layers.1.mlp.up.weight").toFloatArray();
            for (int i = 0; i < m.length; i++) {
                assertThat(m[i]).isCloseTo((x[i] + y[i]) / 2, within(1e-7f));
            }
            assertThat(merged.parameterCount()).isEqualTo(a.parameterCount());
        }
    }

    @Test
    void layerGroupsWeighTheirOwnBlocks() {
        var genome = new MergeGenome(MergeMethod.LINEAR, List.of(List.of(1.0, 0.0), List.of(0.0, 1.0)), 1, 1, 0, 0.5, List.of(0, 1));
        try (var a = LanguageModel.initialize(TINY, 1); var b = LanguageModel.initialize(TINY, 2);
             var merged = ModelMerge.merge(genome, List.of(a, b), null)) {
            // Two blocks, two groups: block 0 and the embeddings from a, block 1 and the final norm from b.
            assertSame(merged, a, "tok_embeddings.weight");
            assertSame(merged, a, "layers.0.attn.qkv.weight");
            assertSame(merged, b, "layers.1.attn.qkv.weight");
            assertSame(merged, b, "final_norm.weight");
        }
        assertThat(ModelMerge.group("layers.5.mlp.up.weight", 6, 3)).isEqualTo(2);
        assertThat(ModelMerge.group("layers.1.mlp.up.weight", 6, 3)).isEqualTo(0);
        assertThat(ModelMerge.group("layers.2.mlp.up.weight", 6, 3)).isEqualTo(1);
    }

    @Test
    void theSameDareGenomeDrawsTheSameMasksAndAnotherDrawsOthers() {
        var genome = MergeGenome.dareLinear(1.0, 0.5, 0.5, 0.5);
        var other = MergeGenome.dareLinear(1.0, 0.5, 0.5000001, 0.4999999);
        try (var a = LanguageModel.initialize(TINY, 1); var b = LanguageModel.initialize(TINY, 2); var base = LanguageModel.initialize(TINY, 3);
             var first = ModelMerge.merge(genome, List.of(a, b), base); var second = ModelMerge.merge(genome, List.of(a, b), base);
             var third = ModelMerge.merge(other, List.of(a, b), base)) {
            assertSameParameters(second, first, "same genome");
            assertThat(third.parameters().get("layers.0.mlp.up.weight").toFloatArray())
                    .isNotEqualTo(first.parameters().get("layers.0.mlp.up.weight").toFloatArray());
        }
    }

    @Test
    void aVocabularyMismatchIsAnErrorNamingTheTensor() {
        try (var a = LanguageModel.initialize(TINY, 1); var b = LanguageModel.initialize(TINY.withVocabSize(41), 2)) {
            assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.uniformSoup(2), List.of(a, b), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary mismatch");
            assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.uniformSoup(2), List.of(ModelMerge.tensorsOf(a), ModelMerge.tensorsOf(b)), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vocabulary mismatch").hasMessageContaining("tok_embeddings.weight");
        }
    }

    @Test
    void shapeMismatchAndMissingOrExtraTensorsAreErrorsNamingTheTensor() {
        Map<String, Tensor> a = tensors(Map.of("x", new Shape(2, 2), "y", new Shape(3)));
        var wrongShape = tensors(Map.of("x", new Shape(4), "y", new Shape(3)));
        var missing = tensors(Map.of("x", new Shape(2, 2)));
        var extra = tensors(Map.of("x", new Shape(2, 2), "y", new Shape(3), "z", new Shape(1)));
        var soup = MergeGenome.uniformSoup(2);
        assertThatThrownBy(() -> ModelMerge.merge(soup, List.of(a, wrongShape), null)).hasMessageContaining("shape mismatch").hasMessageContaining("tensor x");
        assertThatThrownBy(() -> ModelMerge.merge(soup, List.of(a, missing), null)).hasMessageContaining("tensor y is missing from parent 1");
        assertThatThrownBy(() -> ModelMerge.merge(soup, List.of(a, extra), null)).hasMessageContaining("tensor z");
        assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.ties(1, 0.5, 0.5, 0.5), List.of(a, a), missing))
                .hasMessageContaining("tensor y is missing from the ancestor");
        assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.ties(1, 0.5, 0.5, 0.5), List.of(a, a), null)).hasMessageContaining("ancestor");
        assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.uniformSoup(3), List.of(a, a), null)).hasMessageStartingWith("weights");
    }

    @Test
    void aConfigMismatchWithEqualShapesIsAnError() {
        // Two heads or four: the same tensors, a different model. Averaging them would be a silent mistake.
        try (var a = LanguageModel.initialize(TINY, 1);
             var b = LanguageModel.initialize(new TransformerConfig(40, 8, 2, 16, 4, 32, true), 2)) {
            assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.uniformSoup(2), List.of(a, b), null))
                    .hasMessageContaining("config mismatch").hasMessageContaining("heads 2 in parent 0 but 4 in parent 1");
        }
        // A BitNet model and a full-precision one have the same tensors, computed differently.
        try (var a = LanguageModel.initialize(TINY, 1);
             var b = LanguageModel.initialize(new TransformerConfig(40, 8, 2, 16, 2, 32, true, Quantization.BITNET), 2)) {
            assertThatThrownBy(() -> ModelMerge.merge(MergeGenome.uniformSoup(2), List.of(a, b), null))
                    .hasMessageContaining("quantization NONE in parent 0 but BITNET in parent 1");
        }
    }

    private static Map<String, Tensor> tensors(Map<String, Shape> shapes) {
        var out = new LinkedHashMap<String, Tensor>();
        shapes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), new Tensor(e.getValue(), new float[(int) e.getValue().size()])));
        return out;
    }

    private static void assertSame(LanguageModel merged, LanguageModel source, String name) {
        assertThat(merged.parameters().get(name).toFloatArray()).as(name).containsExactly(source.parameters().get(name).toFloatArray());
    }

    private static void assertSameParameters(LanguageModel merged, LanguageModel expected, String what) {
        assertThat(merged.parameters().keySet()).containsExactlyElementsOf(expected.parameters().keySet());
        expected.parameters().forEach((name, array) ->
                assertThat(merged.parameters().get(name).toFloatArray()).as(what + " " + name).containsExactly(array.toFloatArray()));
    }
}
