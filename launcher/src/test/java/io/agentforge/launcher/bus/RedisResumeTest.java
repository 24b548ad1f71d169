package io.agentforge.launcher.bus;

import io.agentforge.platform.testing.RedisServerFixture;
import io.agentforge.websocket.LiveServer;
import io.agentforge.websocket.ResumeTest;
import io.agentforge.websocket.WebSocketSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WebSocket service's resume over the Redis Streams bus: the missed events come from the stream itself. Here,
 * not in the websocket module, because the Redis bus is the launcher's (the websocket test-jar lends the server).
 */
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
