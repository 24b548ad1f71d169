package io.agentforge.launcher.bus;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.bus.EventBusContract;
import io.agentforge.platform.bus.ReceivedEvents;
import io.agentforge.platform.testing.RedisServerFixture;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract against a real redis-server, plus what only a shared, durable stream can do: several processes on
 * one stream, a restarted or replaced process picking up events it never acknowledged, and a Redis outage.
 */
class RedisStreamsEventBusTest extends EventBusContract {
    @RegisterExtension
    static final RedisServerFixture REDIS = new RedisServerFixture();

    /** JUnit makes an instance per test, so each test has a stream of its own on the shared server. */
    private final String streamKey = "test:events:" + UUID.randomUUID();

    private RedisStreamSettings settings(String consumerName) {
        return settings(REDIS.url(), consumerName, RedisStreamSettings.DEFAULT_MAX_LENGTH, null);
    }

    /** The defaults of {@link RedisStreamSettings#of} but on this test's stream, its length and claim time if given. */
    private RedisStreamSettings settings(String redisUrl, String consumerName, long maxLength, Duration claimAfter) {
        var defaults = RedisStreamSettings.of(redisUrl, consumerName);
        return new RedisStreamSettings(redisUrl, consumerName, streamKey, maxLength, defaults.blockTimeout(),
                defaults.healthTimeout(), claimAfter == null ? defaults.claimAbandonedAfter() : claimAfter);
    }

    @Override
    protected EventBus newBus(int historySize) {
        return new RedisStreamsEventBus(settings(REDIS.url(), "contract", historySize, null));
    }

    private EventBus process(String consumerName) {
        return closeAfterTest(new RedisStreamsEventBus(settings(consumerName)));
    }

    /** Redis as another program sees it, to arrange and inspect what the bus cannot be asked about. */
    private RedisCommands<String, String> redisCli(String url) {
        RedisClient client = RedisClient.create(url);
        closeAfterTest(client::shutdown);
        return closeAfterTest(client.connect()).sync();
    }

    @Test
    void eventsPublishedByOneProcessReachSubscribersInAnother() {
        EventBus training = process("training@a");
        EventBus websocket = process("websocket@b");
        var received = new ReceivedEvents();
        websocket.subscribe("training_*", received);
        var progress = event(EventTypes.TRAINING_PROGRESS);

        String position = training.publish(progress);

        await().atMost(WAIT).until(() -> received.count() == 1);
        assertThat(received.envelopes().getFirst().position()).isEqualTo(position);
        assertThat(received.eventIds()).containsExactly(progress.eventId());
    }

    @Test
    void groupSpreadsEventsOverReplicasEachEventOnce() {
        var onA = new ReceivedEvents();
        var onB = new ReceivedEvents();
        process("training@a").subscribeGroup("trainers", "*", onA);
        process("training@b").subscribeGroup("trainers", "*", onB);
        var published = new ArrayList<String>();

        for (int i = 0; i < 40; i++) {
            var event = event(EventTypes.TRAINING_STARTED);
            bus.publish(event);
            published.add(event.eventId());
        }

        await().atMost(WAIT).until(() -> onA.count() + onB.count() >= 40);
        var all = new ArrayList<>(onA.eventIds());
        all.addAll(onB.eventIds());
        assertThat(all).hasSize(40).containsExactlyInAnyOrderElementsOf(published);
    }

    @Test
    void restartedProcessFirstHandlesWhatItReadButNeverAcknowledged() {
        var redis = redisCli(REDIS.url());
        redis.xgroupCreate(StreamOffset.latest(streamKey), "jobs", XGroupCreateArgs.Builder.mkstream());
        var first = event(EventTypes.TRAINING_STARTED);
        var second = event(EventTypes.TRAINING_STARTED);
        var third = event(EventTypes.TRAINING_STARTED);
        List.of(first, second, third).forEach(bus::publish);
        // The previous run of "training@host" read two events and died before acknowledging them.
        var readBeforeDying = redis.xreadgroup(Consumer.from("jobs", "training@host/1"),
                XReadArgs.Builder.count(2), StreamOffset.lastConsumed(streamKey));
        assertThat(readBeforeDying).hasSize(2);

        var received = new ReceivedEvents();
        process("training@host").subscribeGroup("jobs", "*", received);

        await().atMost(WAIT).until(() -> received.count() >= 3);
        assertThat(received.eventIds()).containsExactly(first.eventId(), second.eventId(), third.eventId());
        await().atMost(WAIT).until(() -> redis.xpending(streamKey, "jobs").getCount() == 0);
    }

    @Test
    void eventsLeftPendingByAVanishedReplicaAreTakenOverOnceIdle() {
        var redis = redisCli(REDIS.url());
        redis.xgroupCreate(StreamOffset.latest(streamKey), "jobs", XGroupCreateArgs.Builder.mkstream());
        var orphan = event(EventTypes.TRAINING_STARTED);
        bus.publish(orphan);
        // A replica that was killed and replaced under another name will never come back for this one.
        redis.xreadgroup(Consumer.from("jobs", "training@killed/1"), StreamOffset.lastConsumed(streamKey));

        var received = new ReceivedEvents();
        var survivor = closeAfterTest(new RedisStreamsEventBus(
                settings(REDIS.url(), "training@alive", RedisStreamSettings.DEFAULT_MAX_LENGTH, Duration.ofMillis(300))));
        survivor.subscribeGroup("jobs", "*", received);

        await().atMost(WAIT).until(() -> received.count() >= 1);
        assertThat(received.eventIds()).containsExactly(orphan.eventId());
        await().atMost(WAIT).until(() -> redis.xpending(streamKey, "jobs").getCount() == 0);
    }

    @Test
    void closedBusReceivesNothingPublishedByOthers() {
        EventBus closing = process("websocket@a");
        var closingReceived = new ReceivedEvents();
        closing.subscribe("*", closingReceived);
        var stayingReceived = new ReceivedEvents();
        process("websocket@b").subscribe("*", stayingReceived);

        closing.close();
        var afterClose = event(EventTypes.ALERT_CREATED);
        bus.publish(afterClose);

        await().atMost(WAIT).until(() -> stayingReceived.count() == 1);
        assertThat(closingReceived.count()).isZero();
        assertThat(closing.isHealthy()).isFalse();
    }

    @Test
    void storesEachEventAsSnakeCaseJsonBesideItsIdAndType() {
        var saved = Event.of(EventTypes.MODEL_SAVED, "models", java.util.Map.of("model_id", "m-1"));
        String position = bus.publish(saved);

        var entry = redisCli(REDIS.url()).xrange(streamKey, Range.create(position, position)).getFirst();

        assertThat(entry.getBody()).containsEntry("event_id", saved.eventId())
                .containsEntry("event_type", EventTypes.MODEL_SAVED);
        JsonNode json = Json.read(entry.getBody().get("event"), JsonNode.class);
        assertThat(json.get("event_id").asText()).isEqualTo(saved.eventId());
        assertThat(json.get("source_service").asText()).isEqualTo("models");
        assertThat(json.get("data").get("model_id").asText()).isEqualTo("m-1");
    }

    @Test
    void streamIsTrimmedToAboutItsMaxLength() {
        EventBus small = closeAfterTest(newBus(100));
        for (int i = 0; i < 1_000; i++) {
            small.publish(event(EventTypes.TRAINING_PROGRESS));
        }

        long length = redisCli(REDIS.url()).xlen(streamKey);

        // Approximate trimming removes whole internal nodes (100 entries by default), so it keeps a little more.
        assertThat(length).isBetween(100L, 300L);
    }

    @Test
    void healthFollowsTheRedisServerAndSubscribersCarryOnAfterAnOutage() {
        var ownRedis = closeAfterTest(new RedisServerFixture().start());
        var outageBus = closeAfterTest(new RedisStreamsEventBus(
                settings(ownRedis.url(), "monitoring@host", RedisStreamSettings.DEFAULT_MAX_LENGTH, null)));
        var watcher = new ReceivedEvents();
        var member = new ReceivedEvents();
        outageBus.subscribe("*", watcher);
        outageBus.subscribeGroup("alerts", "*", member);
        outageBus.publish(event(EventTypes.ALERT_CREATED));
        await().atMost(WAIT).until(() -> watcher.count() == 1 && member.count() == 1);
        assertThat(outageBus.isHealthy()).isTrue();

        ownRedis.stop();

        await().atMost(WAIT).until(() -> !outageBus.isHealthy());
        assertThatThrownBy(() -> outageBus.publish(event(EventTypes.ALERT_CREATED)))
                .isInstanceOf(RuntimeException.class);

        ownRedis.start();

        await().atMost(Duration.ofSeconds(45)).until(outageBus::isHealthy);
        var afterOutage = event(EventTypes.SERVICE_HEALTH_CHANGED);
        outageBus.publish(afterOutage);
        await().atMost(WAIT).until(() -> watcher.eventIds().contains(afterOutage.eventId()));
        // This Redis keeps no data, so the group is recreated from "now" once its member notices: keep publishing
        // until it does, then it must be receiving again.
        await().atMost(WAIT).until(() -> {
            outageBus.publish(event(EventTypes.SERVICE_HEALTH_CHANGED));
            return member.count() > 1;
        });
    }
}
