package io.agentforge.engine.training;

import io.agentforge.engine.grokfast.GrokFastSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunParametersTest {

    @Test
    void appliesSpecDefaultsAndTheGivenValues() {
        var run = RunParameters.toRun(Map.of("model_preset", "tiny", "max_steps", 50, "learning_rate", "0.001",
                "use_grokfast", false, "max_train_samples", 300, "dataset", "modular-arithmetic"), null);
        assertThat(run.model().dModel()).isEqualTo(32);
        assertThat(run.maxSteps()).isEqualTo(50);
        assertThat(run.optimizer().learningRate()).isEqualTo(1e-3);
        assertThat(run.optimizer().decay()).isEqualTo(OptimizerSettings.Decay.DECOUPLED);
        assertThat(run.grokFast()).isInstanceOf(GrokFastSettings.Off.class);
        assertThat(run.data().train()).hasSize(300);
        assertThat(run.data().select()).hasSize(500);
        assertThat(run.seed()).isEqualTo(42);
    }

    @Test
    void namesUnknownAndOutOfRangeParameters() {
        assertThatThrownBy(() -> RunParameters.toRun(Map.of("max_stepz", 5, "colour", "red"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("colour, max_stepz: unknown parameters");
        assertThatThrownBy(() -> RunParameters.toRun(Map.of("model_preset", "tiny", "learning_rate", -1), null))
                .hasMessageStartingWith("learning_rate:");
        assertThatThrownBy(() -> RunParameters.toRun(Map.of("model_preset", "tiny", "batch_size", 2.5), null))
                .hasMessageStartingWith("batch_size:");
        assertThatThrownBy(() -> RunParameters.toRun(Map.of("model_preset", "tiny", "dataset", "/no/such/file"), null))
                .hasMessageStartingWith("dataset:");
        assertThatThrownBy(() -> RunParameters.toRun(Map.of("model_preset", "tiny", "grokfast_alpha", 1.5), null))
                .hasMessageStartingWith("grokfast_alpha:");
    }
}
