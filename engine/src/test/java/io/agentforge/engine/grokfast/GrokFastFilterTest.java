package io.agentforge.engine.grokfast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GrokFastFilterTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private float[] filter(GrokFastFilter filter, float... gradient) {
        NDArray g = manager.create(gradient);
        filter.apply(Map.of("w", g));
        return g.toFloatArray();
    }

    @Test
    void emaMatchesHandComputedValues() {
        // alpha 0.5, lambda 2. Step 1: ema = g1 = [1, -2]            -> g = [1 + 2*1, -2 + 2*-2]       = [3, -6]
        // Step 2: ema = 0.5*[1,-2] + 0.5*[3, 0] = [2, -1]               -> g = [3 + 4, 0 - 2]            = [7, -2]
        // Step 3: ema = 0.5*[2,-1] + 0.5*[0, 4] = [1, 1.5]              -> g = [0 + 2, 4 + 3]            = [2, 7]
        try (var f = GrokFastFilter.of(new GrokFastSettings.Ema(0.5, 2.0, 0))) {
            assertThat(filter(f, 1, -2)).containsExactly(3, -6);
            assertThat(filter(f, 3, 0)).containsExactly(7, -2);
            assertThat(filter(f, 0, 4)).containsExactly(2, 7);
            assertThat(((GrokFastFilter.EmaFilter) f).average("w").toFloatArray()).containsExactly(1f, 1.5f);
        }
    }

    @Test
    void emaWithThePapersAlphaMatchesAHandComputedValue() {
        // alpha 0.98, lambda 2: ema = 0.98*1 + 0.02*3 = 1.04 -> g = 3 + 2.08 = 5.08
        try (var f = GrokFastFilter.of(new GrokFastSettings.Ema(0.98, 2.0, 0))) {
            filter(f, 1);
            assertThat(filter(f, 3)[0]).isCloseTo(5.08f, within(1e-5f));
        }
    }

    @Test
    void emaWarmupTracksTheAverageButLeavesGradientsAlone() {
        try (var f = GrokFastFilter.of(new GrokFastSettings.Ema(0.5, 2.0, 1))) {
            assertThat(filter(f, 4)).containsExactly(4);           // ema = 4, not applied
            assertThat(filter(f, 2)).containsExactly(2 + 2 * 3f);  // ema = 3, applied
        }
    }

    @Test
    void movingAverageWaitsForAFullWindowThenAddsLambdaTimesTheMean() {
        try (var f = GrokFastFilter.of(new GrokFastSettings.MovingAverage(2, 3.0, true))) {
            assertThat(filter(f, 1)).containsExactly(1);                 // window [1] not full
            assertThat(filter(f, 3)).containsExactly(3 + 3 * 2f);        // mean [1,3] = 2
            assertThat(filter(f, 7)).containsExactly(7 + 3 * 5f);        // mean [3,7] = 5
        }
    }

    @Test
    void movingAverageWithoutWarmupAppliesFromTheFirstStep() {
        try (var f = GrokFastFilter.of(new GrokFastSettings.MovingAverage(3, 1.0, false))) {
            assertThat(filter(f, 2)).containsExactly(4);                 // mean [2] = 2
            assertThat(filter(f, 4)).containsExactly(7);                 // mean [2,4] = 3
        }
    }

    @Test
    void restoredStateContinuesExactlyAsTheOriginal() {
        for (GrokFastSettings settings : new GrokFastSettings[] {
                new GrokFastSettings.Ema(0.9, 2.0, 0), new GrokFastSettings.MovingAverage(3, 2.0, true)}) {
            try (var original = GrokFastFilter.of(settings); var copy = GrokFastFilter.of(settings)) {
                filter(original, 1, 2);
                filter(original, -3, 5);
                filter(original, 4, 4);
                NDList state = original.state();
                copy.restore(state, original.steps());
                assertThat(filter(copy, 2, -1)).as(settings.toString()).containsExactly(filter(original, 2, -1));
            }
        }
    }

    @Test
    void offMeansNoFilter() {
        assertThat(GrokFastFilter.of(new GrokFastSettings.Off())).isNull();
    }
}
