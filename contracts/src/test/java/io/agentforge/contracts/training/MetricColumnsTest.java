package io.agentforge.contracts.training;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricColumnsTest {

    private static MetricColumns losses(int steps) {
        var columns = new MetricColumns();
        for (int step = 1; step <= steps; step++) {
            int at = columns.append(step, 1_000L * step);
            columns.set(at, "loss", 1.0 / step);
        }
        return columns;
    }

    @Test
    void foldsAMillionStepsIntoTheAskedBucketsKeepingASpikeAsItsBucketsMax() {
        var columns = losses(1_000_000);
        columns.set(654_320, "loss", 99.0); // step 654,321
        var answer = columns.bucket("j", new MetricWindow(2_000, null, null, Set.of()));

        assertThat(answer.steps()).hasSize(2_000);
        assertThat(answer.totalPoints()).isEqualTo(1_000_000);
        assertThat(answer.steps()[1_999]).isEqualTo(1_000_000);
        var loss = answer.series().get("loss");
        int spiked = (int) ((654_321L - 1) * 2_000 / 1_000_000);
        assertThat(loss.max()[spiked]).isEqualTo(99.0);
        assertThat(loss.max()).filteredOn(max -> max == 99.0).hasSize(1);
        // Each bucket covers 500 steps: its last is its last step's value, its min that too (loss falls).
        assertThat(loss.last()[0]).isEqualTo(1.0 / 500);
        assertThat(loss.max()[0]).isEqualTo(1.0);
        assertThat(loss.min()[0]).isEqualTo(1.0 / 500);
    }

    @Test
    void answersEveryPointAsItIsWhenTheWindowHoldsNoMoreThanTheBuckets() {
        var answer = losses(10).bucket("j", new MetricWindow(100, null, null, Set.of()));
        assertThat(answer.steps()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(answer.times()[9]).isEqualTo(10_000L);
        assertThat(answer.series().get("loss").last()[3]).isEqualTo(0.25);
        assertThat(answer.series().get("loss").min()[3]).isEqualTo(0.25);
    }

    @Test
    void zoomsToAStepRangeWithFinerBuckets() {
        var answer = losses(10_000).bucket("j", new MetricWindow(10, 2_001, 3_000, Set.of()));
        assertThat(answer.fromStep()).isEqualTo(2_001);
        assertThat(answer.toStep()).isEqualTo(3_000);
        assertThat(answer.totalPoints()).isEqualTo(1_000);
        assertThat(answer.steps()).containsExactly(2_100, 2_200, 2_300, 2_400, 2_500, 2_600, 2_700, 2_800, 2_900, 3_000);
        assertThat(answer.series().get("loss").max()[0]).isEqualTo(1.0 / 2_001);
    }

    @Test
    void leavesASeriesNullInBucketsWhereItWasNotMeasuredAndAnswersOnlyTheAskedSeries() {
        var history = new ArrayList<TrainingProgress>();
        for (int step = 1; step <= 8; step++) {
            var metrics = step % 4 == 0 ? Map.of("loss", 1.0, "eval_loss", 2.0 * step) : Map.of("loss", 1.0);
            history.add(new TrainingProgress("j", step / 8.0, step, 8, "", metrics, Instant.ofEpochMilli(step)));
        }
        var answer = MetricBuckets.of("j", history, new MetricWindow(4, null, null, Set.of("eval_loss")));
        assertThat(answer.series()).containsOnlyKeys("eval_loss");
        assertThat(answer.series().get("eval_loss").last()).containsExactly(null, 8.0, null, 16.0);
    }

    @Test
    void anEmptyHistoryOrWindowAnswersNoBuckets() {
        assertThat(new MetricColumns().bucket("j", new MetricWindow(10, null, null, Set.of())).steps()).isEmpty();
        var beyond = losses(5).bucket("j", new MetricWindow(10, 100, null, Set.of()));
        assertThat(beyond.steps()).isEmpty();
        assertThat(beyond.totalPoints()).isZero();
    }

    @Test
    void forgetsPointsAfterATruncation() {
        var columns = losses(10);
        columns.truncate(columns.indexOf(6));
        columns.set(columns.append(6, 0), "loss", 7.0);
        var answer = columns.bucket("j", new MetricWindow(100, null, null, Set.of()));
        assertThat(answer.steps()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(answer.series().get("loss").last()[5]).isEqualTo(7.0);
    }

    @Test
    void refusesAWindowThatMakesNoSenseByTheFieldsName() {
        assertThatThrownBy(() -> new MetricWindow(0, null, null, null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("buckets");
        assertThatThrownBy(() -> new MetricWindow(10, 5, 4, null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("to");
    }

    @Test
    void writesColumnsInSnakeCase() {
        var json = Json.write(losses(2).bucket("j", new MetricWindow(10, null, null, Set.of())));
        assertThat(json).contains("\"total_points\":2", "\"steps\":[1,2]", "\"series\":{\"loss\":{\"min\":[1.0,0.5]");
    }
}
