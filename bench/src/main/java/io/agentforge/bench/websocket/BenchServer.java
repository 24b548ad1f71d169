package io.agentforge.bench.websocket;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.launcher.bus.EventBuses;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.websocket.WebSocketServiceConfig;
import io.agentforge.websocket.WebSocketServer;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The WebSocket service as the benchmark's server process: the production {@link WebSocketServer} over the real
 * in-process bus (or Redis, below) on {@code port}, and on {@code port + 1} two bench-only routes: {@code POST
 * /bench/publish?count=N&per_second=R} publishes {@code training_progress} events stamped with their publish time,
 * and {@code GET /bench/rss} reports this process's resident memory and CPU time.
 *
 * <p>Usage: {@code BenchServer <port> <max_connections> [<ping_interval_seconds> [redis]]} (the interval defaults to
 * the service's default, 30 s). With {@code redis}, the bus is the distributed mode's: Redis Streams, on a
 * redis-server started from the embedded-redis jar on {@code port + 2}, so the measured lag includes the trip through
 * Redis.
 */
public final class BenchServer {
    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        var port = Integer.parseInt(args[0]);
        var lastSendComplete = new AtomicReference<>(Double.NaN);
        var publishes = new AtomicInteger();
        var pingInterval = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 30);
        var config = new WebSocketServiceConfig(port, Integer.parseInt(args[1]), pingInterval);
        var redis = args.length > 3 && args[3].equals("redis") ? startRedis(port + 2) : null;
        var bus = redis == null ? new InProcessEventBus()
                : EventBuses.create("redis://127.0.0.1:" + (port + 2), EventBuses.consumerName("websocket"));
        var service = WebSocketServer.create(config, bus, List.of()).start();
        var hub = service.hub();
        // The bench's own routes on the next port, so that the service is wired exactly as in production.
        var control = WebServer.builder().host("127.0.0.1").port(port + 1).routing(http -> {
            http.post("/bench/publish", (req, res) -> {
                var count = req.query().first("count").asInt().orElse(1);
                var perSecond = req.query().first("per_second").asInt().orElse(0);
                var expected = (long) hub.stats().activeConnections() * count;
                var sentBefore = hub.stats().totalMessagesSent();
                var start = System.nanoTime();
                var publishNumber = publishes.incrementAndGet();
                // NaN until this publish is all written, so that a reader never takes an earlier run's figure.
                lastSendComplete.set(Double.NaN);
                Thread.ofVirtual().start(() -> publish(bus::publish, count, perSecond));
                // How long until the server's last socket write returned: the server's share of the delivery time.
                // A connection that closes meanwhile never gets its messages, so the watch also ends when the next
                // publish starts or a minute after the last event; left spinning, it would add to later runs' CPU.
                // A platform thread polling each millisecond costs 2% of a core; a virtual thread polling each
                // 200 µs cost 12%, all of it counted as the server's CPU.
                var giveUp = start + (perSecond == 0 ? 0 : count * 1_000_000_000L / perSecond) + 60_000_000_000L;
                Thread.ofPlatform().daemon().start(() -> {
                    while (hub.stats().totalMessagesSent() - sentBefore < expected) {
                        if (publishes.get() != publishNumber || System.nanoTime() > giveUp) {
                            return;
                        }
                        sleepNanos(1_000_000);
                    }
                    lastSendComplete.set((System.nanoTime() - start) / 1e6);
                });
                res.send("publishing " + count);
            });
            http.get("/bench/rss", (req, res) -> {
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(Json.write(Map.of("rss_bytes", residentBytes(), "stats", hub.stats(),
                        "last_publish_all_written_ms", lastSendComplete.get(), "cpu_seconds", cpuSeconds())));
            });
        }).build().start();
        System.out.println("READY " + service.port() + " control " + control.port() + " pid "
                + ProcessHandle.current().pid());
        Thread.currentThread().join();
    }

    /** A throw-away redis-server without persistence, stopped with this process. */
    private static RedisServer startRedis(int port) throws IOException {
        var redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                redis.stop();
            } catch (IOException e) {
                // the process is ending; nothing more to do
            }
        }));
        return redis;
    }

    /** Publishes at an even pace (or all at once for 0 per second), each event stamped just before publishing. */
    static void publish(Consumer<Event> bus, int count, int perSecond) {
        var start = System.nanoTime();
        for (int seq = 0; seq < count; seq++) {
            if (perSecond > 0) {
                var due = start + seq * 1_000_000_000L / perSecond;
                var wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
            }
            bus.accept(Event.of(EventTypes.TRAINING_PROGRESS, "bench", Map.of("job_id", "bench-job", "seq", seq,
                    "progress", (double) seq / count, "published_at_micros", epochMicros())));
        }
    }

    static long epochMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /** CPU time this process has used, all threads. */
    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** VmRSS of this process, from /proc. */
    static long residentBytes() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return -1;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
