package io.agentforge.launcher;

import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MainTest {
    @TempDir
    static Path data;

    private static Process launch(Map<String, String> env, String... args) throws IOException {
        return launcher(env, args).start();
    }

    /**
     * Runs Main in a JVM of its own, as the ./agent-forge script does, with the class path the jar runs with (main
     * classes and runtime dependencies only; written by the build to target/runtime-classpath.txt).
     */
    private static ProcessBuilder launcher(Map<String, String> env, String... args) {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED",
                "-cp", runtimeClassPath(), Main.class.getName()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        // Free ports and a scratch data directory: never the user's 8000-8004 or ./data.
        builder.environment().putAll(Map.of("API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0",
                "MODEL_SERVICE_PORT", "0", "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString()));
        builder.environment().putAll(env);
        return builder;
    }

    private static String runtimeClassPath() {
        try {
            var dependencies = Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
            return Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator + dependencies;
        } catch (IOException e) {
            throw new IllegalStateException("target/runtime-classpath.txt is written by the build (mvn test)", e);
        }
    }

    private static String text(java.io.InputStream stream) throws IOException {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void malformedConfigurationStopsStartUpWithTheVariableNamed() throws Exception {
        var process = launch(Map.of("MAX_CONCURRENT_JOBS", "abc"), "start");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        var stderr = text(process.getErrorStream());
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr.strip()).isEqualTo("agent-forge: MAX_CONCURRENT_JOBS: expected a positive integer, got \"abc\"");
    }

    @Test
    void unknownCommandPrintsUsageAndExits2() throws Exception {
        var process = launch(Map.of(), "frobnicate");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(text(process.getErrorStream())).contains("unknown command \"frobnicate\"", "usage: agent-forge start");
    }

    @Test
    void startsOneServiceThatAnswersAndStopsCleanlyOnSigterm() throws Exception {
        // Output goes to a file: a pipe read after the process exits may lose its last lines.
        var output = data.resolve("launcher.out");
        var process = launcher(Map.of(), "start", "websocket").redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            var listening = Pattern.compile("\\s+websocket\\s+http://localhost:(\\d+)");
            await("the launcher prints where the service listens").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).failFast("the launcher exited", () -> !process.isAlive())
                    .until(() -> listening.matcher(Files.readString(output)).find());
            var matcher = listening.matcher(Files.readString(output));
            assertThat(matcher.find()).isTrue();
            var port = Integer.parseInt(matcher.group(1));
            assertThat(WebTestClient.of(port).get("/health").json().get("service").asText()).isEqualTo("websocket");

            process.destroy(); // SIGTERM, as Ctrl-C or a container stop would send

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(output)).contains("stopping", "stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void allFiveServicesStartInOneJvmWithTheJarsClassPathAndAnswerHealth() throws Exception {
        var output = data.resolve("all-in-one.out");
        // Relative directories, as a user running ./agent-forge start from a checkout has them.
        var workingDir = Files.createDirectories(data.resolve("all-in-one"));
        var process = launcher(Map.of("DATA_DIR", "./data", "STORAGE_PATH", "./data/models"), "start")
                .directory(workingDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            var listening = Pattern.compile("\\s+(\\w+)\\s+http://localhost:(\\d+)");
            var ports = new LinkedHashMap<String, Integer>();
            await("all five services listening").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .failFast("the launcher exited", () -> !process.isAlive())
                    .until(() -> {
                        var matcher = listening.matcher(Files.readString(output));
                        while (matcher.find()) {
                            ports.put(matcher.group(1).toLowerCase(Locale.ROOT), Integer.parseInt(matcher.group(2)));
                        }
                        return ports.size() == 5;
                    });
            for (var entry : ports.entrySet()) {
                var health = WebTestClient.of(entry.getValue()).get("/health");
                assertThat(health.status()).as(entry.getKey() + ": " + health.body()).isEqualTo(200);
                assertThat(health.json().get("service").asText()).isEqualTo(entry.getKey());
            }


            // A real Cognate job through the API, trained in a worker JVM that runs in its job directory.
            var api = WebTestClient.of(ports.get("api"));
            var started = api.post("/phases/cognate/start", """
                    {"parameters": {"model_preset": "tiny", "max_steps": 6, "batch_size": 4, "max_train_samples": 100,
                     "max_eval_samples": 10, "eval_interval": 3, "checkpoint_interval": 3}}""");
            assertThat(started.status()).as(started.body()).isIn(200, 202);
            var jobId = started.json().get("data").get("job_id").asText();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(4))
                    .pollInterval(java.time.Duration.ofSeconds(1))
                    .until(() -> List.of("completed", "failed", "cancelled")
                            .contains(api.get("/jobs/" + jobId).json().get("data").get("status").asText()));
            var job = api.get("/jobs/" + jobId);
            assertThat(job.json().get("data").get("status").asText()).as(job.body()).isEqualTo("completed");
            assertThat(api.get("/models?phase=cognate").json().get("data").get("items")).isNotEmpty();
            assertThat(workingDir.resolve("data").resolve("models")).isDirectory();

            process.destroy();

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(output)).contains("stopped").doesNotContain("Exception in thread");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void healthcheckExitsZeroWhileTheServiceAnswersAndOneOnceItIsGone() throws Exception {
        var config = io.agentforge.launcher.config.AgentForgeConfig.fromEnvironment(Map.of(
                "WEBSOCKET_SERVICE_PORT", "0", "DATA_DIR", data.resolve("healthcheck").toString()));
        int port;
        try (var wiring = Wiring.start(config, List.of(ServiceName.WEBSOCKET))) {
            port = wiring.servers().get(ServiceName.WEBSOCKET).port();
            var up = launch(Map.of("WEBSOCKET_SERVICE_PORT", String.valueOf(port)), "healthcheck", "websocket");

            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(text(up.getInputStream())).contains("websocket http://127.0.0.1:" + port + "/health -> 200");
            assertThat(up.exitValue()).isZero();
        }

        var down = launch(Map.of("WEBSOCKET_SERVICE_PORT", String.valueOf(port)), "healthcheck", "websocket");

        assertThat(down.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(text(down.getInputStream())).contains("no answer");
        assertThat(down.exitValue()).isEqualTo(1);
    }

    @Test
    void commandLineIsParsed() {
        assertThat(Main.parse("healthcheck")).isEqualTo(new Main.Command.HealthCheck(Optional.empty()));
        assertThat(Main.parse("healthcheck", "api")).isEqualTo(new Main.Command.HealthCheck(Optional.of(ServiceName.API)));
        assertThat(Main.parse("start")).isEqualTo(new Main.Command.Start(Optional.empty()));
        assertThat(Main.parse("start", "models")).isEqualTo(new Main.Command.Start(Optional.of(ServiceName.MODELS)));
        assertThat(Main.parse("--help")).isInstanceOf(Main.Command.Help.class);
        assertThat(Main.parse("start", "gateway")).isInstanceOf(Main.Command.Invalid.class);
        assertThat(Main.parse("start", "api", "models")).isInstanceOf(Main.Command.Invalid.class);
        assertThat(Main.parse()).isInstanceOf(Main.Command.Invalid.class);
    }
}
