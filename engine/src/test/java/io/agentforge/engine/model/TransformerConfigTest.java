package io.agentforge.engine.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransformerConfigTest {

    @Test
    void rejectsHeadsThatDoNotDivideTheWidth() {
        assertThatThrownBy(() -> new TransformerConfig(272, 64, 2, 30, 4, 64, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("heads:");
    }

    @Test
    void rejectsAContextShorterThanOne() {
        assertThatThrownBy(() -> new TransformerConfig(272, 0, 2, 32, 2, 64, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("context_length:");
    }

    @Test
    void rejectsEachNonPositiveDimensionByName() {
        assertThatThrownBy(() -> new TransformerConfig(0, 64, 2, 32, 2, 64, true)).hasMessageStartingWith("vocab_size:");
        assertThatThrownBy(() -> new TransformerConfig(272, 64, 0, 32, 2, 64, true)).hasMessageStartingWith("layers:");
        assertThatThrownBy(() -> new TransformerConfig(272, 64, 2, 0, 2, 64, true)).hasMessageStartingWith("d_model:");
        assertThatThrownBy(() -> new TransformerConfig(272, 64, 2, 32, 2, -1, true)).hasMessageStartingWith("ffn_size:");
    }

    @Test
    void rejectsAnUnknownPresetByName() {
        assertThatThrownBy(() -> TransformerConfig.preset("huge")).hasMessageStartingWith("model_preset:");
    }

    @Test
    void presetsHaveTheSizesTheirNamesPromise() {
        assertThat(TransformerConfig.preset("cognate-25m").parameterCount()).isBetween(22_500_000L, 27_500_000L);
        assertThat(TransformerConfig.preset("cognate-6m").parameterCount()).isBetween(5_500_000L, 7_000_000L);
        var original = TransformerConfig.preset("cognate-6m");
        assertThat(List.of(original.dModel(), original.layers(), original.heads(), original.ffnSize()))
                .containsExactly(216, 11, 4, 864);
        assertThat(TransformerConfig.preset("small").parameterCount()).isBetween(3_000_000L, 3_600_000L);
        // Every built-in example, word problems the longest (up to about 101 tokens), fits tiny's context.
        assertThat(TransformerConfig.preset("tiny").contextLength()).isGreaterThanOrEqualTo(128);
        assertThat(TransformerConfig.PRESETS).allSatisfy(name -> TransformerConfig.preset(name));
    }

    @Test
    void countsTheParametersABuiltModelHas() {
        var untied = new TransformerConfig(272, 16, 2, 32, 4, 48, false);
        try (var model = LanguageModel.initialize(untied, 1)) {
            assertThat(model.parameterCount()).isEqualTo(untied.parameterCount());
            assertThat(model.parameters()).containsKey("lm_head.weight");
        }
    }
}
