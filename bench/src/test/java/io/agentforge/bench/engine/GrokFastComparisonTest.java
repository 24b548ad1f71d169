package io.agentforge.bench.engine;

import io.agentforge.bench.engine.GrokFastComparison.Ratio;
import io.agentforge.bench.engine.GrokFastComparison.Run;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.agentforge.bench.engine.GrokFastComparison.GROKFAST;
import static io.agentforge.bench.engine.GrokFastComparison.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GrokFastComparisonTest {

    private static Run reached(String variant, long seed, int steps, double seconds) {
        return new Run(variant, seed, steps, steps, seconds, seconds);
    }

    private static Run capped(String variant, long seed, int cap, double seconds) {
        return new Run(variant, seed, null, cap, null, seconds);
    }

    @Test
    void theRatioOfMediansAndThePerSeedRatiosComeFromTheRuns() {
        var runs = List.of(
                reached(GROKFAST, 1, 1100, 110), reached(PLAIN, 1, 11100, 1000),
                reached(GROKFAST, 2, 1300, 130), reached(PLAIN, 2, 3100, 300),
                reached(GROKFAST, 3, 900, 95), reached(PLAIN, 3, 12700, 1300),
                reached(GROKFAST, 4, 1000, 100), reached(PLAIN, 4, 9000, 900),
                reached(GROKFAST, 5, 1200, 125), reached(PLAIN, 5, 10000, 950));
        var summary = GrokFastComparison.of(runs);

        assertThat(summary.medianSteps().get(GROKFAST).value()).isEqualTo(1100);
        assertThat(summary.medianSteps().get(PLAIN).value()).isEqualTo(10000);
        assertThat(summary.stepsRatio().bound()).isEqualTo(Ratio.Bound.EXACT);
        assertThat(summary.stepsRatio().value()).isCloseTo(10000 / 1100.0, within(1e-12));
        assertThat(summary.secondsRatio().value()).isCloseTo(950 / 110.0, within(1e-12));
        assertThat(summary.seeds()).hasSize(5);
        assertThat(summary.seeds().get(1).steps().value()).isCloseTo(3100 / 1300.0, within(1e-12));
        var markdown = GrokFastComparison.markdown(summary);
        assertThat(markdown).contains("| 2 | 1,300 | 3,100 | 2.4x |").contains("**9.1x** (ratio of medians)")
                .contains("5 of 5 seeds, from 2.4x to 14.1x");
    }

    @Test
    void aCappedPlainMedianMakesTheRatioALowerBoundAndBothCappedMakeItUndefined() {
        var runs = List.of(
                reached(GROKFAST, 1, 1000, 100), capped(PLAIN, 1, 10000, 1000),
                reached(GROKFAST, 2, 1000, 100), capped(PLAIN, 2, 10000, 1000),
                reached(GROKFAST, 3, 1000, 100), reached(PLAIN, 3, 3000, 300),
                capped(GROKFAST, 4, 3000, 300), capped(PLAIN, 4, 10000, 1000),
                capped(GROKFAST, 5, 3000, 300), reached(PLAIN, 5, 2000, 200));
        var summary = GrokFastComparison.of(runs);

        assertThat(summary.medianSteps().get(PLAIN).censored()).isTrue();
        assertThat(summary.medianSteps().get(PLAIN).value()).isEqualTo(10001);
        assertThat(summary.medianSteps().get(GROKFAST).censored()).isFalse();
        assertThat(summary.stepsRatio().bound()).isEqualTo(Ratio.Bound.LOWER);
        assertThat(summary.stepsRatio().format()).isEqualTo("> 10.0x");
        assertThat(summary.seeds().get(3).steps().bound()).isEqualTo(Ratio.Bound.UNDEFINED);
        assertThat(summary.seeds().get(4).steps().bound()).isEqualTo(Ratio.Bound.UPPER);
        assertThat(GrokFastComparison.markdown(summary)).contains("not reached within 10,000")
                .contains("**not reached within 10,001**");
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwoAndIsCensoredWhenOneIs() {
        var even = GrokFastComparison.median(List.of(reached(PLAIN, 1, 1000, 1), reached(PLAIN, 2, 3000, 1)), true);
        assertThat(even.value()).isEqualTo(2000);
        assertThat(even.censored()).isFalse();
        var half = GrokFastComparison.median(List.of(reached(PLAIN, 1, 1000, 1), capped(PLAIN, 2, 3000, 1)), true);
        assertThat(half.censored()).isTrue();
    }
}
