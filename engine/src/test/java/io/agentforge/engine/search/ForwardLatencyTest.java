package io.agentforge.engine.search;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardLatencyTest {

    @Test
    void aWiderModelIsMeasurablySlower() {
        var narrow = new TransformerConfig(272, 64, 2, 64, 4, 256, true);
        var wide = new TransformerConfig(272, 64, 2, 256, 4, 1024, true);
        try (var small = LanguageModel.initialize(narrow, 1); var large = LanguageModel.initialize(wide, 1)) {
            var a = ForwardLatency.measure(small, 8, 64, 3, 7);
            var b = ForwardLatency.measure(large, 8, 64, 3, 7);
            assertThat(a.runsMillis()).hasSize(7).allSatisfy(ms -> assertThat(ms).isPositive());
            // About 14 times the multiply-adds; on a busy shared machine the median still shows at least twice the time.
            assertThat(b.medianMillis()).as("d_model 256 %s against d_model 64 %s", b.runsMillis(), a.runsMillis())
                    .isGreaterThan(2 * a.medianMillis());
        }
    }

    @Test
    void anArchitectureTwiceAsWideIsMeasurablySlower() {
        var space = ArchitectureSpace.defaults(272, 64, 10_000_000);
        var narrow = space.config(new ArchitectureGenome(2, 128, 4, 4, true), io.agentforge.engine.model.Quantization.TERNARY);
        var wide = space.config(new ArchitectureGenome(2, 256, 4, 4, true), io.agentforge.engine.model.Quantization.TERNARY);
        try (var small = LanguageModel.initialize(narrow, 1); var large = LanguageModel.initialize(wide, 1)) {
            var a = ForwardLatency.measure(small, 8, 64, 3, 7);
            var b = ForwardLatency.measure(large, 8, 64, 3, 7);
            // The projections' multiply-adds grow fourfold with the width (ADAS times the ternary models it hands on).
            assertThat(b.medianMillis()).as("d_model 256 %s against d_model 128 %s", b.runsMillis(), a.runsMillis())
                    .isGreaterThan(1.3 * a.medianMillis());
        }
    }

    @Test
    void fewerThanFiveTimedRunsAreRefused() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 1)) {
            assertThatThrownBy(() -> ForwardLatency.measure(model, 1, 8, 1, 4)).hasMessageStartingWith("runs");
            assertThatThrownBy(() -> ForwardLatency.measure(model, 1, model.config().contextLength() + 1, 1, 5)).hasMessageStartingWith("time");
        }
    }
}
