package io.agentforge.websocket;

import io.agentforge.platform.bus.RedisStreamSettings;
import io.agentforge.platform.bus.RedisStreamsEventBus;
import io.agentforge.platform.testing.RedisServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Resume over the Redis Streams bus: the missed events come from the stream itself. */
class RedisResumeTest {
    @RegisterExtension
    static final RedisServerFixture REDIS = new RedisServerFixture();

    @Test
    void resumeOverRedisReplaysTheMissedThenLiveWithoutGapOrDuplicate() throws Exception {
        var bus = new RedisStreamsEventBus(RedisStreamSettings.of(REDIS.url(), "websocket-test"));
        try (var server = LiveServer.start(WebSocketSettings.defaults(), bus)) {
            ResumeTest.resumesWithoutGapOrDuplicate(server);
        }
    }
}
