package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.health.EventBusCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.bus.ReceivedEvents;
import io.agentforge.platform.testing.RedisServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Redis outage costs no event (issue 18): what is published while Redis is away waits in the publisher's outbox on
 * disk and reaches subscribers, in order, when Redis returns; a bus starts while Redis is away; a process that stops
 * with events waiting leaves them for the next one.
 */
class RedisOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path outboxes;

    private final String streamKey = "test:outage:" + UUID.randomUUID();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private RedisStreamsEventBus bus(RedisServerFixture redis, String name, int capacity) {
        return closing(new RedisStreamsEventBus(settings(redis, name), outboxes, capacity));
    }

    /** The defaults, on this test's own stream. */
    private RedisStreamSettings settings(RedisServerFixture redis, String name) {
        var defaults = RedisStreamSettings.of(redis.url(), name);
        return new RedisStreamSettings(defaults.redisUrl(), name, streamKey, defaults.maxLength(),
                defaults.blockTimeout(), defaults.healthTimeout(), defaults.claimAbandonedAfter());
    }

    private static List<Event> progress(int count) {
        var events = new ArrayList<Event>();
        for (int step = 1; step <= count; step++) {
            events.add(Event.of(EventTypes.TRAINING_PROGRESS, "training", Map.of("current_step", step)));
        }
        return events;
    }

    @Test
    void eventsPublishedWhileRedisIsDownReachSubscribersInOrderWhenItReturns() {
        var redis = closing(new RedisServerFixture().start());
        var training = bus(redis, "training@a", 1_000);
        var websocket = bus(redis, "websocket@b", 1_000);
        var received = new ReceivedEvents();
        websocket.subscribe("*", received);
        var before = progress(1).getFirst();
        training.publish(before);
        await().atMost(WAIT).until(() -> received.count() == 1);

        redis.stop();
        var during = progress(25);
        for (var event : during) {
            // Publishing neither fails nor waits for Redis: the event is on disk when publish returns.
            assertThat(training.publish(event)).isNull();
        }
        assertThat(training.outboxSize()).isEqualTo(25);
        var check = EventBusCheck.check(training, ServiceStatus.DEGRADED, "events are delayed");
        assertThat(check.status()).isEqualTo(ServiceStatus.DEGRADED);
        assertThat(check.detail()).contains("25 events kept");

        redis.start();

        await().atMost(WAIT).until(() -> received.count() == 26);
        var expected = new ArrayList<String>();
        expected.add(before.eventId());
        during.forEach(event -> expected.add(event.eventId()));
        assertThat(received.eventIds()).containsExactlyElementsOf(expected);
        assertThat(training.outboxSize()).isZero();
        // Later events go straight to the stream again, after the relayed ones.
        var after = progress(1).getFirst();
        assertThat(training.publish(after)).matches("\\d+-\\d+");
        await().atMost(WAIT).until(() -> received.eventIds().contains(after.eventId()));
        assertThat(received.count()).isEqualTo(27);
    }

    @Test
    void aBusStartsWhileRedisIsDownAndDeliversOnceItIsUp() {
        var redis = closing(new RedisServerFixture().start());
        redis.stop();
        var training = bus(redis, "training@a", 1_000);
        var websocket = bus(redis, "websocket@b", 1_000);
        var watcher = new ReceivedEvents();
        var member = new ReceivedEvents();
        websocket.subscribe("*", watcher);
        websocket.subscribeGroup("alerts", "*", member);
        assertThat(training.isHealthy()).isFalse();
        var early = progress(3);
        early.forEach(training::publish);

        redis.start();

        await().atMost(WAIT).until(() -> watcher.count() == 3);
        assertThat(watcher.eventIds()).containsExactlyElementsOf(early.stream().map(Event::eventId).toList());
        await().atMost(WAIT).until(training::isHealthy);
        var later = progress(1).getFirst();
        training.publish(later);
        await().atMost(WAIT).until(() -> member.eventIds().contains(later.eventId()));
    }

    @Test
    void eventsLeftWaitingByAProcessThatStoppedAreRelayedByTheNextOnTheDirectory() throws Exception {
        var redis = closing(new RedisServerFixture().start());
        var watcherBus = bus(redis, "websocket@b", 1_000);
        var received = new ReceivedEvents();
        watcherBus.subscribe("*", received);
        redis.stop();
        var first = new RedisStreamsEventBus(settings(redis, "training@a"), outboxes, 1_000);
        var waiting = progress(4);
        waiting.forEach(first::publish);
        first.close();
        try (var journals = Files.list(outboxes)) {
            assertThat(journals.map(path -> path.getFileName().toString())).contains("training_a.events.jsonl");
        }

        redis.start();
        // Not the same replica: another process on the same directory finds the journal nobody holds.
        bus(redis, "training@c", 1_000);

        await().atMost(WAIT).until(() -> received.count() == 4);
        assertThat(received.eventIds()).containsExactlyElementsOf(waiting.stream().map(Event::eventId).toList());
    }

    @Test
    void theOutboxIsBoundedAndSaysWhichEventItCouldNotKeep() {
        var redis = closing(new RedisServerFixture().start());
        redis.stop();
        var training = bus(redis, "training@a", 3);
        progress(3).forEach(training::publish);
        var fourth = progress(1).getFirst();

        assertThatThrownBy(() -> training.publish(fourth)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outbox is full").hasMessageContaining(fourth.eventId());
        assertThat(training.outboxSize()).isEqualTo(3);
    }
}
