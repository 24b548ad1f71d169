package io.agentforge.bench.monitoring;

import io.agentforge.contracts.events.EventTypes;
import io.agentforge.monitoring.Monitoring;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.monitoring.MonitoringSettings;
import io.agentforge.monitoring.alert.AlertBook;
import io.agentforge.monitoring.alert.AlertRepository;
import io.agentforge.monitoring.alert.AlertThresholds;
import io.agentforge.monitoring.alert.PersistentAlertStore;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.monitoring.MonitoringServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.websocket.WebSocketRoutes;
import io.agentforge.websocket.WebSocketServer;
import io.agentforge.websocket.WebSocketSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * From a service going down to the {@code service_down} alert arriving at a bus subscriber and at a WebSocket client
 * subscribed to {@code admin_alerts}, at {@code CHECK_INTERVAL=1 s}, with the pieces the all-in-one mode uses: a real
 * Training service frame watched over HTTP, the scheduled rounds, alerts in the embedded database, the in-process bus,
 * the Monitoring server and the WebSocket service running.
 * Each trial stops the service at a random moment of the check cycle, times the alert, starts the service again on the
 * same port and waits for the alert to resolve.
 *
 * <p>Usage: {@code ServiceDownAlertBench [trials=20] [intervalMillis=1000] [resultsFile]}
 */
public final class ServiceDownAlertBench {
    private record Trial(double busMs, double socketMs, double stopMs) {
    }

    public static void main(String[] args) throws Exception {
        var trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        var interval = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
        var results = Path.of(args.length > 2 ? args[2] : "bench/results/monitoring-service-down-latency.md");
        var dataDir = Files.createTempDirectory("bench-monitoring");

        var created = new ArrayBlockingQueue<Long>(16);
        var delivered = new ArrayBlockingQueue<Long>(16);
        var resolved = new ArrayBlockingQueue<Long>(16);
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var training = ServiceServer.builder("training").port(0).host("127.0.0.1").build().start();
        var port = training.port();
        var measured = new ArrayList<Trial>();
        var settings = MonitoringSettings.of(interval, new AlertThresholds(1.0, 1.0), dataDir);
        try (var database = Database.open(null, dataDir, MonitoringServer.SCHEMA);
             var bus = new InProcessEventBus();
             var monitoring = new Monitoring(settings, bus, new PersistentAlertStore(new AlertRepository(database)));
             var server = MonitoringServer.create(new MonitoringServiceConfig(0, interval,
                     new io.agentforge.monitoring.AlertThresholds(Map.of("cpu", 1.0, "memory", 1.0))),
                     List.of(), monitoring).start();
             var websocket = WebSocketServer.create(WebSocketSettings.defaults(), 0, bus, List.of()).start();
             var dashboard = AlertSocket.connect(URI.create("ws://127.0.0.1:" + websocket.port()
                     + WebSocketRoutes.PATH), delivered)) {
            bus.subscribe(EventTypes.ALERT_CREATED, envelope -> {
                if (isServiceDown(envelope.event().data())) {
                    created.add(System.nanoTime());
                }
            });
            bus.subscribe(AlertBook.ALERT_RESOLVED, envelope -> {
                if (isServiceDown(envelope.event().data())) {
                    resolved.add(System.nanoTime());
                }
            });
            monitoring.watch(HealthTarget.http("training", URI.create("http://127.0.0.1:" + port), client,
                    settings.checkTimeout())).start();
            awaitHealthy(monitoring, Duration.ofSeconds(30));

            for (int i = 0; i <= trials; i++) {
                // A random point of the check cycle, so that the figures cover the whole interval.
                Thread.sleep(ThreadLocalRandom.current().nextLong(interval.toMillis()));
                var down = System.nanoTime();
                training.close();
                var stopped = System.nanoTime();
                var alertAt = take(created, Duration.ofSeconds(30), "alert_created");
                var socketAt = take(delivered, Duration.ofSeconds(30), "alert_created over the WebSocket");
                training = ServiceServer.builder("training").port(port).host("127.0.0.1").build().start();
                take(resolved, Duration.ofSeconds(30), "alert_resolved");
                if (i > 0) { // the first trial warms the JVM up
                    measured.add(new Trial((alertAt - down) / 1e6, (socketAt - down) / 1e6, (stopped - down) / 1e6));
                    System.out.printf(Locale.ROOT, "trial %2d: bus %7.1f ms, websocket %7.1f ms%n", i,
                            (alertAt - down) / 1e6, (socketAt - down) / 1e6);
                }
            }
        } finally {
            training.close();
        }
        var report = report(measured, interval, trials);
        System.out.print(report);
        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.writeString(results, report);
    }

    private static boolean isServiceDown(Map<String, Object> alert) {
        return alert.get("metadata") instanceof Map<?, ?> metadata && "service_down".equals(metadata.get("rule"));
    }

    private static long take(BlockingQueue<Long> queue, Duration timeout, String what) throws InterruptedException {
        var value = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (value == null) {
            throw new IllegalStateException("no " + what + " within " + timeout);
        }
        return value;
    }

    private static void awaitHealthy(Monitoring monitoring, Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (monitoring.servicesHealth().stream().noneMatch(h -> h.status().wireName().equals("healthy"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the watched service never became healthy");
            }
            Thread.sleep(50);
        }
    }

    private static String report(List<Trial> trials, Duration interval, int requested) throws IOException {
        var bus = trials.stream().mapToDouble(Trial::busMs).sorted().toArray();
        var socket = trials.stream().mapToDouble(Trial::socketMs).sorted().toArray();
        var hop = trials.stream().mapToDouble(t -> t.socketMs() - t.busMs()).sorted().toArray();
        var stops = trials.stream().mapToDouble(Trial::stopMs).sorted().toArray();
        var out = new StringBuilder();
        out.append("# Monitoring: service down → service_down alert on the bus and at a WebSocket client\n\n");
        out.append("- date: ").append(Instant.now()).append('\n');
        out.append("- machine: ").append(machine()).append('\n');
        out.append("- java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append('\n');
        out.append("- CHECK_INTERVAL: ").append(interval.toMillis()).append(" ms; trials: ").append(requested)
                .append(" (after one warm-up)\n");
        out.append("- measured: from the start of stopping the Training service frame (watched over HTTP on the same "
                + "host) to (a) a bus subscriber receiving alert_created with rule service_down, and (b) a WebSocket "
                + "client subscribed to admin_alerts receiving it from the WebSocket service (the production "
                + "WebSocketServer on the same in-process bus)\n\n");
        out.append("| statistic | to the bus (ms) | to the WebSocket client (ms) | bus → client (ms) |\n");
        out.append("|---|---|---|---|\n");
        out.append(row("min", bus[0], socket[0], hop[0]));
        out.append(row("p50", percentile(bus, 0.50), percentile(socket, 0.50), percentile(hop, 0.50)));
        out.append(row("p90", percentile(bus, 0.90), percentile(socket, 0.90), percentile(hop, 0.90)));
        out.append(row("max", bus[bus.length - 1], socket[socket.length - 1], hop[hop.length - 1]));
        out.append(row("mean", mean(bus), mean(socket), mean(hop)));
        out.append("\nThe bus → client column is the WebSocket client's arrival minus the bus subscriber's: both are "
                + "subscribers of the same bus on their own threads, so it can be slightly negative.\n");
        out.append(String.format(Locale.ROOT, "%nStopping the service itself (Helidon's graceful stop) took a median "
                + "of %.1f ms of that.%n", percentile(stops, 0.5)));
        return out.toString();
    }

    private static String row(String name, double bus, double socket, double hop) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", name, bus, socket, hop);
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    private static double percentile(double[] sorted, double p) {
        var index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String machine() throws IOException {
        var cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown cpu");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB max heap, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
}
