package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InProcessEventBusTest extends EventBusContract {

    @Override
    protected EventBus newBus(int historySize) {
        return new InProcessEventBus(historySize);
    }

    @Test
    void positionsCountUpFromOne() {
        assertThat(bus.publish(event(EventTypes.TRAINING_STARTED))).isEqualTo("1");
        assertThat(bus.publish(event(EventTypes.TRAINING_PROGRESS))).isEqualTo("2");
    }

    @Test
    void groupAwayLongerThanItsBacklogLosesOnlyTheOldestEvents() {
        EventBus small = closeAfterTest(newBus(5));
        var before = new ReceivedEvents();
        small.subscribeGroup("slowpokes", "*", before).close();
        var published = java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> event(EventTypes.TRAINING_PROGRESS)).peek(small::publish).toList();

        var after = new ReceivedEvents();
        small.subscribeGroup("slowpokes", "*", after);

        await().atMost(WAIT).until(() -> after.count() == 5);
        assertThat(after.eventIds()).containsExactlyElementsOf(
                published.subList(7, 12).stream().map(e -> e.eventId()).toList());
    }

    @Test
    void membersOfOneGroupMustShareThePattern() {
        bus.subscribeGroup("trainers", "training_*", new ReceivedEvents());

        assertThatThrownBy(() -> bus.subscribeGroup("trainers", "model_*", new ReceivedEvents()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainers");
    }

    @Test
    void historySizeMustBePositive() {
        assertThatThrownBy(() -> new InProcessEventBus(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
