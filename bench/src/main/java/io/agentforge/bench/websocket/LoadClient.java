package io.agentforge.bench.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load side of the WebSocket benchmarks, in its own process: opens {@code --clients} JDK WebSocket connections to
 * a {@link BenchServer} (its control routes on the next port), subscribes each to {@code training_updates}, asks the server to publish {@code --events}
 * events at {@code --per-second} (0: all at once), and measures, for every message, the time from the server's bus
 * publish to this client's receive (both processes read the same machine clock). Appends its figures to
 * {@code --out}.
 *
 * <p>Usage: {@code LoadClient --server http://127.0.0.1:18003 --clients 10000 --events 1 --per-second 0
 * --out bench/results/websocket-fanout.txt --name "10k fan-out"}
 */
public final class LoadClient {
    private static final String PROGRESS_PREFIX = "{\"type\":\"training_progress\"";
    private static final String STAMP_KEY = "\"published_at_micros\":";

    private final long[] latencyMicros;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicLong lastReceiveMicros = new AtomicLong();
    private final CountDownLatch confirmed;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();

    private LoadClient(int clients, int events) {
        this.latencyMicros = new long[clients * events];
        this.confirmed = new CountDownLatch(clients);
    }

    public static void main(String[] args) throws Exception {
        var options = options(args);
        var server = URI.create(options.getOrDefault("server", "http://127.0.0.1:18003"));
        var clients = Integer.parseInt(options.getOrDefault("clients", "1000"));
        var events = Integer.parseInt(options.getOrDefault("events", "1"));
        var perSecond = Integer.parseInt(options.getOrDefault("per-second", "0"));
        var out = Path.of(options.getOrDefault("out", "bench/results/websocket.txt"));
        var name = options.getOrDefault("name", clients + " clients, " + events + " events");
        new LoadClient(clients, events).run(server, clients, events, perSecond, out, name, String.join(" ", args));
        System.exit(0);
    }

    private void run(URI server, int clients, int events, int perSecond, Path out, String name, String command)
            throws Exception {
        var loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        var ws = URI.create("ws://" + server.getHost() + ":" + server.getPort() + "/ws");
        // The bench server's control routes listen on the next port.
        var control = URI.create("http://" + server.getHost() + ":" + (server.getPort() + 1));
        // Several HTTP clients, so that one selector thread does not serve all sockets.
        var pool = new HttpClient[Math.max(1, Math.min(8, clients / 1000))];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = HttpClient.newHttpClient();
        }
        var sockets = new ArrayList<WebSocket>(clients);
        var inFlight = new Semaphore(200);
        var connectStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            inFlight.acquire();
            pool[i % pool.length].newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                    .buildAsync(ws, new Listener())
                    .whenComplete((socket, error) -> {
                        inFlight.release();
                        if (error != null) {
                            if (failures.getAndIncrement() == 0) {
                                System.err.println("first connection failure: " + error);
                            }
                            confirmed.countDown();
                        } else {
                            synchronized (sockets) {
                                sockets.add(socket);
                            }
                            socket.sendText("{\"type\":\"subscribe\",\"topic\":\"training_updates\"}", true);
                        }
                    });
        }
        if (!confirmed.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("subscriptions not confirmed: " + confirmed.getCount() + " missing");
        }
        var connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.out.printf("%d connected and subscribed in %.1f s (%d failed)%n", clients - failures.get(),
                connectSeconds, failures.get());
        Thread.sleep(2000);
        var before = serverState(control);

        var clientCpuBefore = BenchServer.cpuSeconds();
        var expected = (clients - failures.get()) * events;
        var http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(control.resolve("/bench/publish?count=" + events + "&per_second=" + perSecond))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        var publishSeconds = perSecond == 0 ? 0 : (double) events / perSecond;
        var deadline = System.nanoTime() + (long) ((publishSeconds + 60) * 1e9);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        var after = serverState(control);
        var clientCpu = BenchServer.cpuSeconds() - clientCpuBefore;
        var count = Math.min(received.get(), latencyMicros.length);
        var latencies = Arrays.copyOf(latencyMicros, count);
        Arrays.sort(latencies);

        var report = new StringBuilder();
        report.append("## ").append(name).append('\n')
                .append("date: ").append(Instant.now()).append('\n')
                .append("machine: ").append(machine()).append('\n')
                .append("load average before the run: ").append(loadBefore).append('\n')
                .append("command: LoadClient ").append(command).append('\n')
                .append("server JVM options: ").append(System.getProperty("bench.server.jvm", "see BENCHMARKS.md"))
                .append("; load client: ").append(String.join(" ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())).append('\n')
                .append(String.format("clients: %d connected (%d failed), subscribed in %.1f s%n",
                        clients - failures.get(), failures.get(), connectSeconds))
                .append(String.format("events: %d at %s%n", events, perSecond == 0 ? "once" : perSecond + "/s"))
                .append(String.format("messages received: %d of %d expected; closed by server: %d%n",
                        count, expected, closedByServer.get()))
                .append(String.format("publish -> receive latency ms: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n",
                        percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                        percentile(latencies, 99.9), percentile(latencies, 100)))
                .append(String.format("server: all %d messages written to sockets %.1f ms after the first publish%n",
                        expected, after.path("last_publish_all_written_ms").asDouble()))
                .append(String.format("CPU used from publish to last receive: server %.1f s, load client %.1f s%n",
                        after.path("cpu_seconds").asDouble() - before.path("cpu_seconds").asDouble(), clientCpu))
                .append(String.format("server RSS: %.0f MB with clients connected, %.0f MB after delivery%n",
                        before.path("rss_bytes").asLong() / 1e6, after.path("rss_bytes").asLong() / 1e6))
                .append("server stats after: ").append(after.path("stats")).append("\n\n");
        System.out.print(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        for (var socket : sockets) {
            socket.abort();
        }
    }

    /** Milliseconds at the given percentile (100 is the maximum). */
    static double percentile(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        var index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))] / 1000.0;
    }

    private static JsonNode serverState(URI control) throws IOException, InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            var body = http.send(HttpRequest.newBuilder(control.resolve("/bench/rss")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return Json.read(body, JsonNode.class);
        }
    }

    private static String machine() throws IOException {
        var model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        var memory = Files.readAllLines(Path.of("/proc/meminfo")).getFirst().replaceAll("\\s+", " ");
        return Runtime.getRuntime().availableProcessors() + " cores, " + model + ", " + memory + ", Java "
                + Runtime.version();
    }

    private static Map<String, String> options(String[] args) {
        var options = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    /** One connection: counts confirmations, stamps each event message with its latency. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            var now = BenchServer.epochMicros();
            partial.append(data);
            if (last) {
                var text = partial.toString();
                partial.setLength(0);
                if (text.startsWith(PROGRESS_PREFIX)) {
                    var at = text.indexOf(STAMP_KEY) + STAMP_KEY.length();
                    var end = at;
                    while (end < text.length() && Character.isDigit(text.charAt(end))) {
                        end++;
                    }
                    var slot = received.getAndIncrement();
                    if (slot < latencyMicros.length) {
                        latencyMicros[slot] = now - Long.parseLong(text, at, end, 10);
                    }
                    lastReceiveMicros.accumulateAndGet(now, Math::max);
                } else if (text.contains("\"type\":\"subscription_confirmed\"")) {
                    confirmed.countDown();
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closedByServer.incrementAndGet();
            return null;
        }
    }
}
