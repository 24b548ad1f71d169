package io.agentforge.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.launcher.Wiring;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DASHBOARD.md goal 8 and the CLI issue's budgets, measured on the built {@code cli/target/forge.jar}:
 * <ol>
 * <li>start-up to first request: from starting the process to its first request arriving at a socket that plays
 * the API, without and with the class-data archive that {@code ./agent-forge cli} uses (AppCDS);</li>
 * <li>first progress line: {@code run start --follow -o ndjson} on a tiny Cognate job; the gap between an event's
 * server timestamp and its line reaching the reader of forge's stdout (one machine, one clock);</li>
 * <li>Ctrl-C detach: SIGINT to {@code run watch} until the process has exited.</li>
 * </ol>
 * {@code -Dforge=cli/target/forge.jar -Dout=bench/results/cli.md -Druns=5}
 */
public final class CliBenchmark {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    public static void main(String[] args) throws Exception {
        var jar = Path.of(System.getProperty("forge", "cli/target/forge.jar")).toAbsolutePath();
        var out = Path.of(System.getProperty("out", "bench/results/cli.md"));
        var runs = Integer.getInteger("runs", 5);
        var report = new StringBuilder("## CLI, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + loadAverage() + "\n\n");

        var archive = Files.createTempDirectory("forge-cds").resolve("forge.jsa");
        var plain = List.of(JAVA, "-jar", jar.toString());
        var cds = List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive,
                "-XX:+AutoCreateSharedArchive", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", jar.toString());
        startUp(cds, 1); // writes the archive
        report.append(line("start-up to first request, java -jar", startUp(plain, runs)));
        report.append(line("start-up to first request, ./agent-forge cli flags (C1 + AppCDS)", startUp(cds, runs)));

        var data = Files.createTempDirectory("forge-bench");
        var env = new HashMap<String, String>();
        for (var service : ServiceName.values()) {
            env.put(AgentForgeConfig.portVariable(service).name(), "0");
        }
        env.put("DATA_DIR", data.toString());
        env.put("STORAGE_PATH", data.resolve("models").toString());
        try (var wiring = Wiring.start(AgentForgeConfig.fromEnvironment(env), Wiring.allServices())) {
            var forgeEnv = Map.of("AGENT_FORGE_URL", "http://localhost:" + wiring.servers().get(ServiceName.API).port(),
                    "AGENT_FORGE_WS_URL", "ws://localhost:" + wiring.servers().get(ServiceName.WEBSOCKET).port() + "/ws");
            var firstEvent = new ArrayList<Long>();
            var firstStep = new ArrayList<Long>();
            for (var i = 0; i < runs; i++) {
                var lags = firstLines(cds, forgeEnv);
                firstEvent.add(lags[0]);
                firstStep.add(lags[1]);
            }
            report.append(line("first event line after its server timestamp (training_started)", firstEvent));
            report.append(line("first step line after its server timestamp (training_progress step 1)", firstStep));
            report.append(line("Ctrl-C (SIGINT) to exit of run watch", detach(cds, forgeEnv, runs)));
        }
        report.append('\n');
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(report);
    }

    /** Milliseconds from starting forge to its first request reaching a socket, per run. */
    private static List<Long> startUp(List<String> java, int runs) throws Exception {
        var times = new ArrayList<Long>();
        for (var i = 0; i < runs; i++) {
            try (var api = new ServerSocket(0)) {
                var command = new ArrayList<>(java);
                command.addAll(List.of("--url", "http://127.0.0.1:" + api.getLocalPort(), "phases", "-o", "json"));
                var started = System.nanoTime();
                var process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                try (var socket = api.accept()) {
                    var in = socket.getInputStream();
                    in.read();
                    times.add((System.nanoTime() - started) / 1_000_000);
                    var body = "{\"success\":true,\"data\":{\"phases\":{},\"summary\":{}}}";
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                }
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return times;
    }

    /** {first event lag, first step lag} in ms for one followed tiny job. */
    private static long[] firstLines(List<String> java, Map<String, String> env) throws Exception {
        var command = new ArrayList<>(java);
        command.addAll(List.of("run", "start", "cognate", "-p", "model_preset=tiny", "-p", "max_steps=4",
                "-p", "batch_size=4", "-p", "max_train_samples=100", "-p", "max_eval_samples=10",
                "--follow", "-o", "ndjson"));
        var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        var process = builder.start();
        long event = -1;
        long step = -1;
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null && step < 0; ) {
                var arrived = Instant.now();
                var json = Json.read(line, JsonNode.class);
                var type = json.path("type").asText();
                if (json.has("timestamp") && event < 0 && type.startsWith("training_")) {
                    event = Duration.between(Instant.parse(json.get("timestamp").asText()), arrived).toMillis();
                }
                if ("training_progress".equals(type)) {
                    step = Duration.between(Instant.parse(json.get("timestamp").asText()), arrived).toMillis();
                }
            }
        }
        process.waitFor(120, TimeUnit.SECONDS);
        return new long[]{event, step};
    }

    /** Milliseconds from SIGINT to the exit of run watch on a long job, per run. */
    private static List<Long> detach(List<String> java, Map<String, String> env, int runs) throws Exception {
        var http = HttpClient.newHttpClient();
        var api = env.get("AGENT_FORGE_URL");
        var start = http.send(HttpRequest.newBuilder(URI.create(api + "/phases/cognate/start"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"parameters\":{\"model_preset\":\"tiny\",\"max_steps\":5000,\"batch_size\":4,"
                                + "\"max_train_samples\":100,\"max_eval_samples\":10}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        var jobId = Json.read(start.body(), JsonNode.class).path("data").path("job_id").asText();
        var times = new ArrayList<Long>();
        try {
            for (var i = 0; i < runs; i++) {
                var command = new ArrayList<>(java);
                command.addAll(List.of("run", "watch", jobId));
                var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
                builder.environment().putAll(env);
                var process = builder.start();
                var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null && !line.contains(" step "); ) {
                    // wait for the first step line: forge is following
                }
                var signalled = System.nanoTime();
                new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
                process.waitFor(30, TimeUnit.SECONDS);
                times.add((System.nanoTime() - signalled) / 1_000_000);
                if (process.exitValue() != 130) {
                    throw new IllegalStateException("run watch exited " + process.exitValue() + ", not 130");
                }
            }
        } finally {
            http.send(HttpRequest.newBuilder(URI.create(api + "/jobs/" + jobId)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        return times;
    }

    private static String line(String what, List<Long> millis) {
        var sorted = millis.stream().sorted().toList();
        return String.format(Locale.ROOT, "- %s: median %d ms, min %d, max %d (runs: %s)%n", what,
                sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast(), millis);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
