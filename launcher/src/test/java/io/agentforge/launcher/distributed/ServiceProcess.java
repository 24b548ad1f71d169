package io.agentforge.launcher.distributed;

import io.agentforge.launcher.Main;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * One service started as {@code java -cp <test class path> io.agentforge.launcher.Main start <service>} in a JVM of its
 * own, as a container would run it, with its output in a file.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** Variables of the launcher that must come only from the test, never from the machine running it. */
    private static final List<String> OWN_VARIABLES = List.of("_SERVICE_PORT", "_SERVICE_URL", "REDIS_URL",
            "DATABASE_URL", "DATA_DIR", "STORAGE_PATH", "SERVICE_NAME", "CHECK_INTERVAL", "MAX_CONCURRENT_JOBS",
            "ALERT_THRESHOLDS", "CORS_ORIGINS", "MAX_FILE_SIZE", "MAX_CONNECTIONS", "PING_INTERVAL");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name        for messages and the log file, e.g. {@code training-2}
     * @param service     the argument of {@code start}
     * @param environment the whole configuration of the process (its port included)
     */
    static ServiceProcess start(String name, String service, int port, Map<String, String> environment, Path dir)
            throws IOException {
        return start(name, service, port, environment, dir, List.of());
    }

    /** @param jvmOptions added to the JVM's command line, e.g. cheaper compilation for a drill that restarts often */
    static ServiceProcess start(String name, String service, int port, Map<String, String> environment, Path dir,
                                List<String> jvmOptions) throws IOException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var command = new ArrayList<>(List.of(java, "-cp", classPath, "-Xmx512m", "-Dai.djl.offline=true",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of(Main.class.getName(), "start", service));
        var log = dir.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> OWN_VARIABLES.stream().anyMatch(key::endsWith));
        builder.environment().putAll(environment);
        return new ServiceProcess(name, port, builder.start(), log);
    }

    /**
     * A free local port that is none of the defaults 8000-8004, so that a user's running Agent Forge is untouched, and
     * none handed out before: the ports of one start-up are all chosen before any service binds its own, and the
     * system may offer a just-closed port again (CI once gave the WebSocket and Monitoring services the same one).
     */
    static int freePort() {
        while (true) {
            try (var socket = new ServerSocket(0)) {
                var port = socket.getLocalPort();
                if ((port < 8000 || port > 8004) && HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until {@code GET /health} answers 200; fails with the end of the log if the process dies first. */
    void awaitHealthy(Duration timeout) {
        var last = new AtomicReference<>("no answer yet");
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .failFast(name + " exited before it was healthy", () -> !process.isAlive())
                    .until(() -> {
                        try {
                            var response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health"))
                                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                            last.set(response.statusCode() + " " + response.body());
                            return response.statusCode() == 200;
                        } catch (IOException e) {
                            last.set(e.toString());
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + " (last: " + last.get() + "):\n" + logTail(60), e);
        }
    }

    /** The last lines of the process's output. */
    String logTail(int lines) {
        try {
            var all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks the JVM to stop with SIGTERM and waits for it; returns its exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM:\n" + logTail(40));
        }
        return process.exitValue();
    }

    /**
     * Ends the JVM and every process it started (training workers) with SIGKILL at once, as a machine crash would:
     * nothing gets to clean up or tell anyone. The children are listed first, since they are reparented, and no
     * longer listed as descendants, once their parent is gone.
     */
    List<ProcessHandle> crash() throws InterruptedException {
        var children = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
        for (var child : children) {
            child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        return children;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            crash();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", port " + port + ")";
    }
}
