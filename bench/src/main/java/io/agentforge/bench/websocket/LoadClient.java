package io.agentforge.bench.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load side of the WebSocket benchmarks, in its own process: opens {@code --clients} WebSocket connections to a
 * {@link BenchServer} (its control routes on the next port), subscribes each to {@code training_updates}, asks the
 * server to publish {@code --events} events at {@code --per-second} (0: all at once), and measures, for every
 * message, the time from the server's bus publish to this client's receive (both processes read the same machine
 * clock). Appends its figures to {@code --out}.
 *
 * <p>The clients are Netty's, on {@code --threads} event-loop threads (default 1; epoll where available): the server
 * and the load client share this machine's cores, and the JDK's {@code java.net.http.WebSocket} used as much CPU as
 * the server, so the measured lag was mostly the two processes queueing for CPU. With a client that costs far less,
 * the figure says more about the server.
 *
 * <p>Usage: {@code LoadClient --server http://127.0.0.1:18003 --clients 10000 --events 1 --per-second 0
 * [--warmup-events N] --threads 1 --out bench/results/websocket-fanout.txt --name "10k fan-out"}; with
 * {@code --warmup-events}, that many events are published at the same pace and delivered before the measured ones.
 */
public final class LoadClient {
    private static final byte[] PROGRESS_PREFIX = WireBytes.ascii("{\"type\":\"training_progress\"");
    private static final byte[] CONFIRMED = WireBytes.ascii("\"type\":\"subscription_confirmed\"");
    private static final String SUBSCRIBE = "{\"type\":\"subscribe\",\"topic\":\"training_updates\"}";

    private final long[] latencyMicros;
    /** When each received message's event was published, for the lag by second of the run. */
    private final long[] publishedMicros;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger warmupReceived = new AtomicInteger();
    /** False while the warm-up's events arrive: they are counted apart and their latency is not kept. */
    private volatile boolean measuring;
    private final CountDownLatch confirmed;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final Semaphore inFlight = new Semaphore(200);
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private LoadClient(int clients, int events) {
        this.latencyMicros = new long[clients * events];
        this.publishedMicros = new long[clients * events];
        this.confirmed = new CountDownLatch(clients);
    }

    public static void main(String[] args) throws Exception {
        var options = options(args);
        var server = URI.create(options.getOrDefault("server", "http://127.0.0.1:18003"));
        var clients = Integer.parseInt(options.getOrDefault("clients", "1000"));
        var events = Integer.parseInt(options.getOrDefault("events", "1"));
        var perSecond = Integer.parseInt(options.getOrDefault("per-second", "0"));
        var warmup = Integer.parseInt(options.getOrDefault("warmup-events", "0"));
        var threads = Integer.parseInt(options.getOrDefault("threads", "1"));
        var out = Path.of(options.getOrDefault("out", "bench/results/websocket.txt"));
        var name = options.getOrDefault("name", clients + " clients, " + events + " events");
        new LoadClient(clients, events).run(server, clients, new Run(events, perSecond, warmup), threads, out, name,
                String.join(" ", args));
        System.exit(0);
    }

    /** The events to publish and measure, at their pace, after {@code warmup} events that are not measured. */
    private record Run(int events, int perSecond, int warmup) {
    }

    private void run(URI server, int clients, Run run, int threads, Path out, String name, String command)
            throws Exception {
        var events = run.events();
        var perSecond = run.perSecond();
        var loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        var ws = URI.create("ws://" + server.getHost() + ":" + server.getPort() + "/ws");
        // The bench server's control routes listen on the next port.
        var control = URI.create("http://" + server.getHost() + ":" + (server.getPort() + 1));
        var epoll = Epoll.isAvailable();
        var loops = new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        var bootstrap = new Bootstrap().group(loops)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
                .option(ChannelOption.TCP_NODELAY, true);
        var protocol = WebSocketClientProtocolConfig.newBuilder().webSocketUri(ws).handshakeTimeoutMillis(60_000)
                // Close frames come through to Connection, which counts them.
                .handleCloseFrames(false)
                // Checking every byte is UTF-8 cost a fifth of the event loop's time, and we read only ASCII keys.
                .withUTF8Validator(false).build();
        var connectStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            inFlight.acquire();
            var connection = new Connection();
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                            new WebSocketClientProtocolHandler(protocol), new WebSocketFrameAggregator(1 << 20),
                            connection);
                }
            }).connect(ws.getHost(), ws.getPort()).addListener((ChannelFuture future) -> {
                if (!future.isSuccess()) {
                    connection.opened(future.cause());
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

        var connected = clients - failures.get();
        if (run.warmup() > 0) {
            // Both JVMs compile their hot paths in the first seconds under load; a server runs warm, so the figures
            // are of a warm one, and the warm-up is reported beside them.
            publishAndWait(control, run.warmup(), perSecond, warmupReceived, (long) connected * run.warmup());
            if (warmupReceived.get() < (long) connected * run.warmup()) {
                throw new IllegalStateException("warm-up incomplete: " + warmupReceived.get() + " of "
                        + (long) connected * run.warmup() + " messages arrived");
            }
            Thread.sleep(2000);
            before = serverState(control);
        }
        measuring = true;
        var clientCpuBefore = BenchServer.cpuSeconds();
        var expected = connected * events;
        publishAndWait(control, events, perSecond, received, expected);
        var clientCpu = BenchServer.cpuSeconds() - clientCpuBefore;
        var after = serverState(control);
        // The server notes that its last write returned a moment after the write, which a fast client can beat.
        for (int i = 0; i < 100 && Double.isNaN(after.path("last_publish_all_written_ms").asDouble(Double.NaN)); i++) {
            Thread.sleep(20);
            after = serverState(control);
        }
        var count = Math.min(received.get(), latencyMicros.length);
        var bySecond = bySecond(count);
        var latencies = Arrays.copyOf(latencyMicros, count);
        Arrays.sort(latencies);

        var report = new StringBuilder();
        report.append("## ").append(name).append('\n')
                .append("date: ").append(Instant.now()).append('\n')
                .append("machine: ").append(machine()).append('\n')
                .append("load average before the run: ").append(loadBefore).append('\n')
                .append("command: LoadClient ").append(command).append('\n')
                .append("server JVM options: ").append(System.getProperty("bench.server.jvm", "see BENCHMARKS.md"))
                .append("; load client: ").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append(String.format(" (Netty %s, %d event-loop thread%s)", epoll ? "epoll" : "NIO", threads,
                        threads == 1 ? "" : "s")).append('\n')
                .append(String.format("clients: %d connected (%d failed), subscribed in %.1f s%n",
                        clients - failures.get(), failures.get(), connectSeconds))
                .append(String.format("events: %d at %s%s%n", events, perSecond == 0 ? "once" : perSecond + "/s",
                        run.warmup() == 0 ? "" : ", after a warm-up of " + run.warmup() + " events at the same pace "
                                + "(all delivered, not measured)"))
                .append(String.format("messages received: %d of %d expected; closed by server: %d%n",
                        count, expected, closedByServer.get()))
                .append(String.format("publish -> receive latency ms: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n",
                        percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                        percentile(latencies, 99.9), percentile(latencies, 100)))
                .append(bySecond)
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
        // With a Close frame each: a connection that just drops stays open on the server until its next ping fails
        // (up to 30 s), and would count as a subscriber in the next run's expected figure.
        open.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The p99 and maximum latency of the messages of each second of publishing, so that a tail can be placed in the
     * run (start-up, one stall, or throughout); empty for a run shorter than two seconds.
     */
    private String bySecond(int count) {
        if (count == 0) {
            return "";
        }
        var first = Long.MAX_VALUE;
        var last = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            first = Math.min(first, publishedMicros[i]);
            last = Math.max(last, publishedMicros[i]);
        }
        var seconds = (int) ((last - first) / 1_000_000) + 1;
        if (seconds < 2) {
            return "";
        }
        var sizes = new int[seconds];
        for (int i = 0; i < count; i++) {
            sizes[(int) ((publishedMicros[i] - first) / 1_000_000)]++;
        }
        var windows = new long[seconds][];
        for (int s = 0; s < seconds; s++) {
            windows[s] = new long[sizes[s]];
            sizes[s] = 0;
        }
        for (int i = 0; i < count; i++) {
            var s = (int) ((publishedMicros[i] - first) / 1_000_000);
            windows[s][sizes[s]++] = latencyMicros[i];
        }
        var p99 = new StringBuilder("p99 (max) ms by second of publishing, from ")
                .append(Instant.ofEpochSecond(0, first * 1000)).append(':');
        for (var window : windows) {
            Arrays.sort(window);
            p99.append(String.format(" %.0f (%.0f)", percentile(window, 99), percentile(window, 100)));
        }
        return p99.append('\n').toString();
    }

    /** Asks the server to publish, then waits until {@code expected} messages are counted or a minute has passed. */
    private static void publishAndWait(URI control, int events, int perSecond, AtomicInteger counter, long expected)
            throws IOException, InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(control.resolve("/bench/publish?count=" + events + "&per_second="
                    + perSecond)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
        var publishSeconds = perSecond == 0 ? 0 : (double) events / perSecond;
        var deadline = System.nanoTime() + (long) ((publishSeconds + 60) * 1e9);
        while (counter.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
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

    /**
     * One connection, on its event loop: settles its connect attempt (releasing a connect slot), subscribes, counts
     * confirmations and stamps each event message with its latency. Netty's protocol handler before it answers pings.
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private boolean settled;
        private byte[] text = new byte[1024];

        /** The connect attempt's outcome, once: {@code null} when the handshake completed. */
        void opened(Throwable error) {
            if (settled) {
                return;
            }
            settled = true;
            inFlight.release();
            if (error != null) {
                if (failures.getAndIncrement() == 0) {
                    System.err.println("first connection failure: " + error);
                }
                confirmed.countDown();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            var now = BenchServer.epochMicros();
            try {
                switch (message) {
                    case TextWebSocketFrame frame -> text(frame.content(), now);
                    case CloseWebSocketFrame close -> {
                        closedByServer.incrementAndGet();
                        ctx.close();
                    }
                    default -> { }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private void text(ByteBuf frame, long now) {
            // One copy into a reused array, then plain array scans: no garbage, and no bounds and reference-count
            // checks on every byte as ByteBuf.getByte has.
            var length = frame.readableBytes();
            if (text.length < length) {
                text = new byte[Math.max(length, 2 * text.length)];
            }
            frame.getBytes(frame.readerIndex(), text, 0, length);
            if (length >= PROGRESS_PREFIX.length
                    && Arrays.equals(text, 0, PROGRESS_PREFIX.length, PROGRESS_PREFIX, 0, PROGRESS_PREFIX.length)) {
                if (!measuring) {
                    warmupReceived.incrementAndGet();
                    return;
                }
                var slot = received.getAndIncrement();
                if (slot < latencyMicros.length) {
                    var published = WireBytes.stampMicros(text, length);
                    publishedMicros[slot] = published;
                    latencyMicros[slot] = now - published;
                }
            } else if (WireBytes.indexOf(text, length, CONFIRMED) >= 0) {
                confirmed.countDown();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened(null);
                open.add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame(SUBSCRIBE));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (settled && errors.getAndIncrement() == 0) {
                System.err.println("first error on an open connection: " + cause);
            }
            opened(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Closed before the handshake completed, e.g. on the handshake timeout.
            opened(new ClosedChannelException());
            ctx.fireChannelInactive();
        }
    }
}
