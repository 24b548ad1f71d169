package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.platform.bus.InProcessEventBus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** Picks the bus at start-up: Redis Streams when {@code REDIS_URL} is set, in-process otherwise (SPEC section 6). */
public final class EventBuses {
    private EventBuses() {
    }

    /**
     * @param redisUrl     {@code REDIS_URL}, e.g. {@code redis://127.0.0.1:6379}; null or blank for the in-process bus
     * @param consumerName this process's name in consumer groups, see {@link #consumerName(String)}
     */
    public static EventBus create(String redisUrl, String consumerName) {
        return create(redisUrl, consumerName, null);
    }

    /**
     * @param outboxDirectory where events published while Redis is away wait to be relayed (see
     *                        {@link RedisStreamsEventBus}), e.g. {@code DATA_DIR/event-outbox}; null for none (publishing
     *                        then fails while Redis is away)
     */
    public static EventBus create(String redisUrl, String consumerName, Path outboxDirectory) {
        if (redisUrl == null || redisUrl.isBlank()) {
            return new InProcessEventBus();
        }
        return new RedisStreamsEventBus(RedisStreamSettings.of(redisUrl, consumerName), outboxDirectory,
                RedisStreamsEventBus.DEFAULT_OUTBOX_CAPACITY);
    }

    /**
     * A consumer name that is the same when this replica restarts (so it re-reads its own unacknowledged events)
     * and differs between replicas: the service name and the host name, which is the pod name on Kubernetes and
     * the container id under Docker.
     */
    public static String consumerName(String serviceName) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return serviceName + "@" + host;
    }
}
