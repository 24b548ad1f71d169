package io.agentforge.websocket.connection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The topic index a fan-out walks: who gets a message, and who no longer does. */
class ConnectionRegistryTest {
    private final ConnectionRegistry registry = new ConnectionRegistry(10);
    private final Map<String, List<String>> written = new ConcurrentHashMap<>();
    private final List<ClientConnection> tooSlow = new CopyOnWriteArrayList<>();

    @Test
    void aMessageReachesExactlyTheSubscribersOfItsTopic() {
        var a = open("a", 10);
        var b = open("b", 10);
        var c = open("c", 10);
        registry.subscribe(a, "pipeline", false);
        registry.subscribe(b, "pipeline", false);
        registry.subscribe(c, "alerts", false);

        registry.deliver(new TopicMessage("pipeline", "e1", "p1"), tooSlow::add);

        await().until(() -> written.get("a").size() == 1 && written.get("b").size() == 1);
        assertThat(written.get("c")).isEmpty();
        assertThat(registry.topicCount()).isEqualTo(2);
        assertThat(tooSlow).isEmpty();
    }

    @Test
    void unsubscribedAndRemovedConnectionsGetNothingAndEmptyTopicsDisappear() {
        var a = open("a", 10);
        var b = open("b", 10);
        registry.subscribe(a, "pipeline", false);
        registry.subscribe(b, "pipeline", false);
        assertThat(registry.subscribe(a, "pipeline", false)).as("a second subscribe changes nothing").isFalse();

        assertThat(registry.unsubscribe(a, "pipeline")).isTrue();
        assertThat(registry.unsubscribe(a, "pipeline")).isFalse();
        registry.deliver(new TopicMessage("pipeline", "e1", "p1"), tooSlow::add);
        await().until(() -> written.get("b").size() == 1);
        assertThat(written.get("a")).isEmpty();

        assertThat(registry.remove(b)).isTrue();
        assertThat(registry.topicCount()).isZero();
        registry.deliver(new TopicMessage("pipeline", "e2", "p2"), tooSlow::add);
        assertThat(written.get("b")).containsExactly("p1");
        assertThat(registry.activeCount()).isEqualTo(1);
    }

    @Test
    void aSubscriberWhoseOutboxIsFullIsReportedAndTheOthersStillGetTheMessage() {
        var stuck = new ClientConnection("stuck", "127.0.0.1", "test", new FakeSocket(text -> Thread.sleep(Long.MAX_VALUE)), 1,
                new LongAdder(),
                failed -> { });
        registry.tryAdd(stuck);
        var fine = open("fine", 10);
        registry.subscribe(stuck, "pipeline", false);
        registry.subscribe(fine, "pipeline", false);

        var messages = new ArrayList<TopicMessage>();
        for (int i = 0; i < 3; i++) {
            messages.add(new TopicMessage("pipeline", "e" + i, "p" + i));
            registry.deliver(messages.getLast(), tooSlow::add);
        }

        assertThat(tooSlow).contains(stuck).doesNotContain(fine);
        await().until(() -> written.get("fine").size() == 3);
        stuck.outbox().close();
    }

    @Test
    void theConnectionLimitHoldsAndAFreedPlaceCanBeTaken() {
        var small = new ConnectionRegistry(1);
        var first = connection("first", 10);
        assertThat(small.tryAdd(first)).isTrue();
        assertThat(small.tryAdd(connection("second", 10))).isFalse();
        small.remove(first);
        assertThat(small.tryAdd(connection("third", 10))).isTrue();
        assertThat(small.totalCount()).isEqualTo(2);
    }

    private ClientConnection open(String id, int capacity) {
        var connection = connection(id, capacity);
        assertThat(registry.tryAdd(connection)).isTrue();
        return connection;
    }

    private ClientConnection connection(String id, int capacity) {
        var socket = new FakeSocket();
        written.put(id, socket.written);
        return new ClientConnection(id, "127.0.0.1", "test", socket, capacity, new LongAdder(), failed -> { });
    }
}
