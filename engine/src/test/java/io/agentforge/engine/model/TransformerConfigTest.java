package io.agentforge.engine.model;

import org.junit.jupiter.api.Test;

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
    void cognatePresetHasTheOriginalDimensions() {
        var c = TransformerConfig.preset("cognate-25m");
        assertThat(c.dModel()).isEqualTo(216);
        assertThat(c.layers()).isEqualTo(11);
        assertThat(c.heads()).isEqualTo(4);
        assertThat(c.ffnSize()).isEqualTo(864);
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
