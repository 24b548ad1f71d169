package io.agentforge.websocket.forbidden;

import io.lettuce.core.RedisClient;

/** Breaks the rules on purpose (a service to the Redis client), for ArchitectureRulesFailTest; a test class. */
public final class WebSocketCallingRedis {
    private WebSocketCallingRedis() {
    }

    public static RedisClient client(String url) {
        return RedisClient.create(url);
    }
}
