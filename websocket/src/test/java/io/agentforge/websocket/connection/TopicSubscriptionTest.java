package io.agentforge.websocket.connection;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hand-over from replay to live, with the bus's delivery running late or early against the replay. */
class TopicSubscriptionTest {
    private final FakeSocket socket = new FakeSocket();
    private final List<String> written = socket.written;
    private final ClientConnection connection = new ClientConnection("c1", "127.0.0.1", "test", socket, 100,
            new LongAdder(), failed -> { });

    @Test
    void heldMessagesTheReplayCarriedAreDroppedAndTheOthersReleasedInOrder() {
        var subscription = new TopicSubscription(connection, true);
        subscription.deliver(message("e2"));
        subscription.deliver(message("e3"));

        subscription.goLive(Set.of("e1", "e2"));
        subscription.deliver(message("e4"));

        await().until(() -> written.size() == 2);
        assertThat(written).containsExactly("e3", "e4");
    }

    @Test
    void aLiveCopyOfAReplayedEventArrivingAfterGoingLiveIsDropped() {
        var subscription = new TopicSubscription(connection, true);

        // The replay read e1..e3 from the history before the bus's thread handed them to the subscription.
        subscription.goLive(Set.of("e1", "e2", "e3"));
        subscription.deliver(message("e2"));
        subscription.deliver(message("e3"));
        subscription.deliver(message("e4"));
        subscription.deliver(message("e5"));

        await().until(() -> written.size() == 2);
        assertThat(written).containsExactly("e4", "e5");
    }

    @Test
    void aCancelledSubscriptionDeliversNothingMoreAndDropsWhatItHeld() {
        var live = new TopicSubscription(connection, false);
        live.deliver(message("e1"));
        live.cancel();
        assertThat(live.deliver(message("e2"))).isTrue();

        var replaying = new TopicSubscription(connection, true);
        replaying.deliver(message("e3"));
        replaying.cancel();
        replaying.goLive(Set.of());
        connection.outbox().offer("marker");

        await().until(() -> written.contains("marker"));
        assertThat(written).containsExactly("e1", "marker");
    }

    private static TopicMessage message(String eventId) {
        return new TopicMessage("training_updates", eventId, eventId);
    }
}
