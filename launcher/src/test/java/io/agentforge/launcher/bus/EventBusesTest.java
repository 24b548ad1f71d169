package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.testing.RedisServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBusesTest {
    @RegisterExtension
    static final RedisServerFixture REDIS = new RedisServerFixture();

    @Test
    void withoutRedisUrlTheBusIsInProcess() {
        try (var bus = EventBuses.create(null, "api@host"); var blank = EventBuses.create(" ", "api@host")) {
            assertThat(bus).isInstanceOf(InProcessEventBus.class);
            assertThat(blank).isInstanceOf(InProcessEventBus.class);
        }
    }

    @Test
    void withRedisUrlTheBusIsOnRedisStreams() {
        try (var bus = EventBuses.create(REDIS.url(), "api@host")) {
            assertThat(bus).isInstanceOf(RedisStreamsEventBus.class);
            assertThat(((RedisStreamsEventBus) bus).settings().consumerName()).isEqualTo("api@host");
            assertThat(bus.isHealthy()).isTrue();
            assertThat(bus.publish(Event.of(EventTypes.ALERT_CREATED, "launcher-test", Map.of()))).matches("\\d+-\\d+");
        }
    }

    @Test
    void unreachableRedisDoesNotStopStartUpButMakesTheBusUnhealthy(@TempDir Path outbox) {
        // A service must come up while Redis is away (issue 18); what it publishes meanwhile waits in the outbox.
        try (var bus = EventBuses.create("redis://127.0.0.1:1", "api@host", outbox)) {
            assertThat(bus.isHealthy()).isFalse();
            assertThat(bus.publish(Event.of(EventTypes.ALERT_CREATED, "launcher-test", Map.of()))).isNull();
            assertThat(((RedisStreamsEventBus) bus).outboxSize()).isEqualTo(1);
        }
    }

    @Test
    void malformedRedisUrlStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> EventBuses.create("http://agent:s3cret@127.0.0.1:1", "api@host"))
                .hasMessageContaining("REDIS_URL");
    }

    @Test
    void redisPasswordNeverAppearsInMessagesOrSettings() {
        assertThatThrownBy(() -> EventBuses.create("http://agent:s3cret@127.0.0.1:1", "api@host"))
                .message().doesNotContain("s3cret").contains("127.0.0.1:1");
        assertThat(RedisStreamSettings.of("redis://:s3cret@redis:6379/0", "api@host").toString())
                .doesNotContain("s3cret").contains("redis:6379");
    }

    @Test
    void consumerNameCombinesServiceAndHost() {
        assertThat(EventBuses.consumerName("training")).startsWith("training@").hasSizeGreaterThan("training@".length());
    }
}
