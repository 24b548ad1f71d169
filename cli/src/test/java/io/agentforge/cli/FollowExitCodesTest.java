package io.agentforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.server.ForgeClient;
import io.agentforge.contracts.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The follow contract against the real services and real tiny Cognate jobs: the exit code of every terminal state,
 * NDJSON that parses line by line and ends with its terminal line, no gap and no duplicate across a WebSocket
 * restart, plain text (no ANSI) when stdout is not a terminal, and Ctrl-C as a user presses it (SIGINT to forge in
 * a JVM of its own), which detaches and leaves the job running. The jobs run one after another: a phase runs one job
 * at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FollowExitCodesTest {
    @TempDir
    static Path dir;
    private LiveServices services;
    private ForgeClient api;

    @BeforeAll
    void start() {
        services = new LiveServices(dir);
        api = new ForgeClient(URI.create(services.env().get("AGENT_FORGE_URL")), Optional.empty());
    }

    @AfterAll
    void stop() {
        services.close();
    }

    private static String[] args(List<String> head, String... tail) {
        var all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    private static String[] start(String... extra) {
        var all = new ArrayList<>(List.of("run", "start", "cognate"));
        all.addAll(LiveServices.TINY);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    /** Starts a long Cognate job (minutes) without following it; the test cancels it. */
    private String startLongJob() {
        var run = services.forge(start("-p", "max_steps=3000", "-o", "json"));
        assertThat(run.exit()).as(run.err()).isZero();
        return Json.read(run.out(), JsonNode.class).path("job_id").asText();
    }

    private void cancelAndSettle(String jobId) {
        var cancelled = services.forge("run", "cancel", jobId);
        assertThat(cancelled.exit()).as(cancelled.err()).isZero();
        assertThat(api.get("/jobs/" + jobId).path("status").asText()).isEqualTo("cancelled");
    }

    /**
     * On a thread of its own: not the common pool, whose only thread on a 2-core machine the JDK's WebSocket client
     * needs for its own completions (a forge blocking it there would wait for its handshake forever).
     */
    private static <T> CompletableFuture<T> inBackground(java.util.function.Supplier<T> task) {
        var result = new CompletableFuture<T>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static List<JsonNode> parseEachLine(String out) {
        return out.lines().map(line -> Json.read(line, JsonNode.class)).toList();
    }

    private static List<Long> steps(List<JsonNode> messages) {
        return messages.stream().filter(m -> "training_progress".equals(m.path("type").asText()))
                .map(m -> m.path("data").path("current_step").asLong()).toList();
    }

    private static List<Long> oneTo(long n) {
        var all = new ArrayList<Long>();
        for (long i = 1; i <= n; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void completedRunExitsZeroAndItsNdjsonParsesLineByLineEndingWithTheTerminalLine() {
        var run = services.forge(start("-p", "max_steps=4", "--follow", "-o", "ndjson"));

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.COMPLETED);
        var messages = parseEachLine(run.out());
        var last = messages.getLast();
        assertThat(last.path("terminal").asBoolean()).isTrue();
        assertThat(last.path("status").asText()).isEqualTo("completed");
        assertThat(last.path("exit_code").asInt()).isZero();
        assertThat(messages.subList(0, messages.size() - 1)).noneMatch(m -> m.has("terminal"));
        // 3 models x 4 steps, each step exactly once and in order
        assertThat(steps(messages)).containsExactlyElementsOf(oneTo(12));

        // The run's models, and their lineage through the API: the three seeds were trained from the ancestor.
        var jobId = messages.getFirst().path("data").path("job_id").asText();
        var models = parseEachLine(services.forge("models", "list", "-o", "ndjson").out()).stream()
                .filter(model -> model.path("training_job_id").asText().equals(jobId)).toList();
        assertThat(models).hasSize(4);
        var ancestor = models.stream().filter(model -> model.path("name").asText().equals("cognate-ancestor"))
                .findFirst().orElseThrow().path("model_id").asText();
        var lineage = services.forge("models", "lineage", ancestor, "-o", "json");
        assertThat(lineage.exit()).as(lineage.err()).isZero();
        assertThat(Json.read(lineage.out(), JsonNode.class).path("child_model_ids")).hasSize(3);
        var table = services.forge("models", "lineage", ancestor);
        assertThat(table.out()).contains("cognate-seed42", "cognate-seed1337", "cognate-seed2023");

        // Its log: every step as a line, then how it ended.
        var logs = services.forge("logs", jobId);
        assertThat(logs.exit()).isZero();
        assertThat(logs.lines()).filteredOn(line -> line.contains(" step ")).hasSize(12);
        assertThat(logs.lines().getLast()).isEqualTo("completed: 4 models saved");
    }

    @Test
    void failedRunExitsOneAndPlainOutputHasNoAnsi() throws IOException {
        // Dataset files come only from the datasets directory under DATA_DIR (here the scheduler's data directory).
        var empty = Files.createFile(Files.createDirectories(dir.resolve("datasets")).resolve("empty.txt"));

        var run = services.forge(start("-p", "max_steps=4", "-p", "dataset=" + empty, "--follow"));

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.lines().getLast()).startsWith("failed: ").contains("the train split is empty");
        assertThat(run.out() + run.err()).doesNotContain("\u001b");
    }

    @Test
    void cancelledRunExitsThree() {
        var jobId = startLongJob();
        var watch = inBackground(() -> services.forge("run", "watch", jobId));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/jobs/" + jobId).path("current_step").asLong() > 0);

        cancelAndSettle(jobId);

        var run = watch.join();
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.CANCELLED);
        assertThat(run.lines().getLast()).startsWith("cancelled");
    }

    @Test
    void timeoutExitsFourAndTheRunGoesOn() {
        var jobId = startLongJob();
        try {
            var run = services.forge("run", "watch", jobId, "--timeout", "2s", "-o", "ndjson");

            assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.millis()).isBetween(2_000L, 6_000L);
            var last = parseEachLine(run.out()).getLast();
            assertThat(last.path("terminal").asBoolean()).isTrue();
            assertThat(last.path("reason").asText()).isEqualTo("timeout");
            assertThat(last.path("exit_code").asInt()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.err()).contains("forge run watch " + jobId);
            assertThat(api.get("/jobs/" + jobId).path("status").asText()).isIn("pending", "running");
        } finally {
            cancelAndSettle(jobId);
        }
    }

    @Test
    void watchResumesAcrossAWebSocketRestartWithoutGapOrDuplicateAndSinceReplaysFromAnEventId() throws Exception {
        var started = services.forge(start("-p", "max_steps=25", "-o", "json"));
        var jobId = Json.read(started.out(), JsonNode.class).path("job_id").asText();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var watch = inBackground(() -> Forge.run(new String[]{"run", "watch", jobId, "-o", "ndjson"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                services.env(), false));
        await().atMost(Duration.ofSeconds(60)).failFast(watch::isDone)
                .until(() -> out.toString(StandardCharsets.UTF_8).contains("\"current_step\":5,"));

        services.restartWebSocket();

        assertThat(watch.get(60, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("connection lost");
        var messages = parseEachLine(out.toString(StandardCharsets.UTF_8));
        assertThat(steps(messages)).containsExactlyElementsOf(oneTo(75));
        assertThat(messages.getLast().path("status").asText()).isEqualTo("completed");

        // Picking up from the event of step 40 gives steps 41.. and the end, nothing before.
        var step40 = messages.stream().filter(m -> m.path("data").path("current_step").asLong() == 40
                && "training_progress".equals(m.path("type").asText())).findFirst().orElseThrow();
        var since = services.forge("run", "watch", jobId, "--since", step40.path("event_id").asText(), "-o", "ndjson");
        assertThat(since.exit()).as(since.err()).isZero();
        var replayed = parseEachLine(since.out());
        assertThat(steps(replayed)).containsExactlyElementsOf(oneTo(75).subList(40, 75));
        assertThat(replayed.getLast().path("terminal").asBoolean()).isTrue();
    }

    @Test
    void aServerThatIsDownExitsFiveWithinFiveSeconds() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var env = services.env();
        env.put("AGENT_FORGE_URL", "http://localhost:" + closedPort);

        var run = LiveServices.Run.of(env, "runs", "list");

        assertThat(run.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.millis()).isLessThan(5_000);
        assertThat(run.err().lines()).hasSize(1).first().asString().startsWith("forge: server unreachable:")
                .contains(String.valueOf(closedPort));
    }

    @Test
    void aWebSocketThatIsDownExitsFiveWithinFiveSeconds() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var env = services.env();
        env.put("AGENT_FORGE_WS_URL", "ws://localhost:" + closedPort + "/ws");

        var run = LiveServices.Run.of(env, "run", "watch", "00000000-0000-0000-0000-000000000000");

        assertThat(run.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.millis()).isLessThan(5_000);
        assertThat(run.err()).contains("ws://localhost:" + closedPort);
    }

    @Test
    void usageErrorsExitTwoWithOneLineNamingTheProblem() {
        var badTimeout = services.forge("run", "watch", "x", "--timeout", "soon");
        var badParam = services.forge("run", "start", "cognate", "--param", "max_steps");
        var unknown = services.forge("run", "frobnicate");

        assertThat(List.of(badTimeout, badParam, unknown)).allSatisfy(run -> {
            assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err().lines()).hasSize(1);
        });
        assertThat(badTimeout.err()).contains("--timeout", "soon");
        assertThat(badParam.err()).contains("--param", "key=value");
        assertThat(unknown.err()).contains("frobnicate");
    }

    @Test
    void aRefusedRequestExitsOneWithTheServersReason() {
        var run = services.forge("run", "start", "no-such-phase");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err().lines()).hasSize(1).first().asString()
                .startsWith("forge: 404 from POST /phases/no-such-phase/start").contains("the phases are");
    }

    @Test
    void sigintDetachesExits130AndTheJobKeepsRunning() throws Exception {
        var args = new ArrayList<>(List.of("run", "start", "cognate", "-p", "max_steps=3000", "-o", "json"));
        args.addAll(LiveServices.TINY);
        var started = services.forge(args.toArray(String[]::new));
        var jobId = Json.read(started.out(), JsonNode.class).path("job_id").asText();
        try {
            var process = services.forgeProcess("run", "watch", jobId).start();
            var lines = new CopyOnWriteArrayList<String>();
            Thread.ofVirtual().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (IOException e) {
                    // the process ended
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(line -> line.contains(" step ")));

            var interrupted = System.nanoTime();
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            var detachMillis = (System.nanoTime() - interrupted) / 1_000_000;

            var stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(stderr).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(stderr).contains("detached", "forge run watch " + jobId + " --since ");
            assertThat(String.join("\n", lines)).doesNotContain("\u001b");
            // Still running, and still making progress: Ctrl-C cancelled nothing.
            var step = api.get("/jobs/" + jobId).path("current_step").asLong();
            assertThat(api.get("/jobs/" + jobId).path("status").asText()).isEqualTo("running");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/jobs/" + jobId).path("current_step").asLong() > step);
            System.out.println("SIGINT to exit of the forge process: " + detachMillis + " ms");
        } finally {
            api.delete("/jobs/" + jobId);
        }
    }
}
