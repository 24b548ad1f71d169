package io.agentforge.launcher.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.platform.testing.RedisServerFixture;
import io.agentforge.platform.testing.RestartablePostgres;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos drill of issue 18: distributed mode on a real Redis (with its append-only file) and a real PostgreSQL,
 * every service in a JVM of its own and two Training replicas, while tiny Cognate jobs run. At random moments a
 * random process is killed with SIGKILL (the API, a Training replica with its workers, one worker alone, the
 * WebSocket service, the Model service) and started again as an orchestrator would; Redis is stopped for 30 s and
 * PostgreSQL for 30 s in between. A WebSocket client follows one job and resumes after every break.
 *
 * <p>It asserts that every job ends completed (or failed only where worker faults used up its attempts, with that
 * reason), none is left pending or running, every model of a completed job is there and its bytes match its
 * checksum, and the follower received every event about its job that is in the event stream exactly once, in the
 * stream's order, covering every step. It prints a table of what it did and found.
 *
 * <p>{@code ./agent-forge chaos} runs it; {@code -Dchaos.kills=}, {@code -Dchaos.jobs=}, {@code -Dchaos.seed=} and
 * {@code -Dchaos.outageSeconds=} change it.
 */
@Tag("chaos")
@EnabledIfSystemProperty(named = "chaos", matches = "true",
        disabledReason = "the drill runs on demand: ./agent-forge chaos (it takes minutes of all cores)")
class ChaosDrillTest {
    private static final int KILLS = Integer.getInteger("chaos.kills", 20);
    private static final int JOBS = Integer.getInteger("chaos.jobs", 3);
    private static final long SEED = Long.getLong("chaos.seed", System.currentTimeMillis());
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("chaos.outageSeconds", 30));
    private static final Duration START_UP = Duration.ofSeconds(180);
    private static final Duration SETTLE = Duration.ofMinutes(8);
    private static final int STEPS_PER_SEED = 8;
    /** A tiny Cognate job: three seeds of 8 steps, checkpoints every 2 steps. */
    private static final Map<String, Object> TINY = Map.of("model_preset", "tiny", "batch_size", 4,
            "max_train_samples", 200, "max_eval_samples", 20, "eval_interval", 4, "checkpoint_interval", 2,
            "max_steps", STEPS_PER_SEED);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final List<String> TARGETS = List.of("api", "training-1", "training-2", "worker", "websocket",
            "models");

    @TempDir
    Path dir;

    private final Map<String, ServiceProcess> services = new ConcurrentHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, String> services2kind = Map.of("api", "api", "training-1", "training",
            "training-2", "training", "websocket", "websocket", "models", "models", "monitoring", "monitoring");
    private Map<String, String> environment;
    private final Map<String, AtomicInteger> injected = new TreeMap<>();
    private final AtomicInteger restarted = new AtomicInteger();
    private final List<Thread> restarts = new CopyOnWriteArrayList<>();
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();

    @Test
    void survivesKillsAndOutagesWithoutLosingAJobAModelOrAnEvent() throws Exception {
        System.out.println("chaos drill: seed " + SEED + " (-Dchaos.seed= replays the choices)");
        var random = new Random(SEED);
        try (var redis = new RedisServerFixture(dir.resolve("redis")).start();
             var postgres = RestartablePostgres.start(dir)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "chaos-cleanup"));
            try {
                drill(random, redis, postgres);
            } finally {
                killAll();
            }
        }
    }

    private void drill(Random random, RedisServerFixture redis, RestartablePostgres postgres) throws Exception {
        for (var name : List.of("api", "training-1", "training-2", "models", "websocket", "monitoring")) {
            ports.put(name, ServiceProcess.freePort());
        }
        environment = Map.of("REDIS_URL", redis.url(), "DATABASE_URL", postgres.url(),
                "TRAINING_SERVICE_URL", "http://127.0.0.1:" + ports.get("training-1"),
                "MODEL_SERVICE_URL", "http://127.0.0.1:" + ports.get("models"),
                "WEBSOCKET_SERVICE_URL", "http://127.0.0.1:" + ports.get("websocket"),
                "MONITORING_SERVICE_URL", "http://127.0.0.1:" + ports.get("monitoring"),
                "DATA_DIR", dir.resolve("data").toString(), "STORAGE_PATH", dir.resolve("models").toString(),
                "CHECK_INTERVAL", "5", "MAX_CONCURRENT_JOBS", "1");
        for (var name : List.of("models", "websocket", "monitoring", "training-1", "training-2", "api")) {
            start(name);
        }
        for (var service : services.values()) {
            service.awaitHealthy(START_UP);
        }
        var started = Instant.now();

        var jobs = new ArrayList<String>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(submit());
        }
        var followed = jobs.getFirst();
        try (var follower = new ResumingFollower(ports.get("websocket"), "jobs/" + followed)) {
            // Wait until the followed job is under way, so that the faults meet running work.
            awaitUntil(Duration.ofMinutes(3), () -> follower.events().stream()
                    .anyMatch(e -> "training_progress".equals(e.path("type").asText())), () -> "no progress");

            var outages = new ArrayList<Thread>();
            int redisAt = KILLS / 3;
            int postgresAt = 2 * KILLS / 3;
            for (int kill = 0; kill < KILLS; kill++) {
                if (kill == redisAt) {
                    outages.add(outage("redis", redis::stop, redis::start));
                }
                if (kill == postgresAt) {
                    outages.add(outage("postgresql", postgres::stop, postgres::start));
                }
                Thread.sleep(2_000 + random.nextInt(4_000));
                killOne(random);
            }
            for (var outage : outages) {
                outage.join();
            }
            for (var restart : restarts) {
                restart.join();
            }
            var faultsOver = Instant.now();

            awaitUntil(SETTLE, () -> jobs.stream().allMatch(id -> isFinal(job(id))),
                    () -> "jobs not final: " + jobs.stream().map(id -> id + " " + job(id).path("status").asText()
                            + " " + job(id).path("message").asText()).toList());
            var settled = Instant.now();
            // The last events of the followed job reach the follower shortly after the job's end.
            awaitUntil(Duration.ofSeconds(60), () -> {
                var received = follower.events().stream().map(e -> e.path("event_id").asText()).toList();
                return fromFirstReceived(streamEventIds(redis, followed), received).equals(received);
            }, () -> "the follower's events differ from the stream's");

            report(jobs, followed, follower, redis, started, faultsOver, settled);
        }
    }

    private void report(List<String> jobs, String followed, ResumingFollower follower, RedisServerFixture redis,
                        Instant started, Instant faultsOver, Instant settled) throws Exception {
        int completed = 0;
        int failedByWorkerFaults = 0;
        var problems = new ArrayList<String>();
        var models = new ArrayList<JsonNode>();
        for (var id : jobs) {
            var job = job(id);
            var status = job.path("status").asText();
            if (status.equals("completed")) {
                completed++;
                var ofJob = modelsOf(id);
                if (ofJob.size() < 4) {
                    problems.add("job " + id + " completed with " + ofJob.size() + " models, not 4");
                }
                models.addAll(ofJob);
            } else if (status.equals("failed") && job.path("error_message").asText().contains("worker died")
                    && job.path("error_message").asText().contains("attempt 3 of 3")) {
                failedByWorkerFaults++;
            } else {
                problems.add("job " + id + " ended " + status + ": " + job.path("error_message").asText());
            }
        }
        int corrupt = 0;
        for (var model : models) {
            var id = model.path("model_id").asText();
            var bytes = HTTP.send(HttpRequest.newBuilder(URI.create(api() + "/models/" + id + "/download"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            var sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.body()));
            if (bytes.statusCode() != 200 || !sha.equals(model.path("checksum").asText())) {
                corrupt++;
                problems.add("model " + id + ": download " + bytes.statusCode() + ", sha256 " + sha + " vs "
                        + model.path("checksum").asText());
            }
        }
        var received = follower.events().stream().map(e -> e.path("event_id").asText()).toList();
        var inStream = fromFirstReceived(streamEventIds(redis, followed), received);
        int duplicates = received.size() - new LinkedHashSet<>(received).size();
        var missing = new LinkedHashSet<>(inStream);
        received.forEach(missing::remove);
        var steps = new java.util.TreeSet<Integer>();
        follower.events().stream().filter(e -> "training_progress".equals(e.path("type").asText()))
                .forEach(e -> steps.add(e.path("data").path("current_step").asInt()));
        var expectedSteps = IntStream.rangeClosed(1, 3 * STEPS_PER_SEED).boxed().toList();

        var table = new StringBuilder();
        table.append("\nchaos drill, seed ").append(SEED).append(", ").append(KILLS).append(" kills, outages of ")
                .append(OUTAGE.toSeconds()).append(" s\n");
        table.append("| faults injected | survived | jobs | events (followed job) | losses |\n");
        table.append("|---|---|---|---|---|\n");
        int faults = injected.values().stream().mapToInt(AtomicInteger::get).sum();
        table.append("| ").append(faults).append(" (").append(injected).append(")")
                .append(" | ").append(restarted.get()).append(" restarts healthy, all services healthy at the end")
                .append(" | ").append(jobs.size()).append(": ").append(completed).append(" completed, ")
                .append(failedByWorkerFaults).append(" failed by worker faults")
                .append(" | ").append(received.size()).append(" received, ").append(inStream.size())
                .append(" in the stream, ").append(duplicates).append(" duplicates, ").append(missing.size())
                .append(" missing; ").append(follower.connections()).append(" connections, resume errors ")
                .append(follower.resumeErrors())
                .append(" | ").append(problems.size() + corrupt + duplicates + missing.size()).append(" |\n");
        table.append("models checked: ").append(models.size()).append(", corrupt or missing: ").append(corrupt)
                .append("; faults for ").append(Duration.between(started, faultsOver).toSeconds())
                .append(" s, settled ").append(Duration.between(faultsOver, settled).toSeconds()).append(" s later\n");
        System.out.println(table);

        assertThat(problems).as(table.toString()).isEmpty();
        assertThat(faults).isGreaterThanOrEqualTo(KILLS + 2);
        assertThat(received).as("every event of the followed job once, in the stream's order")
                .containsExactlyElementsOf(inStream);
        if (job(followed).path("status").asText().equals("completed")) {
            assertThat(steps).as("every step of the followed job seen").containsAll(expectedSteps);
        }
        for (var name : services.keySet()) {
            services.get(name).awaitHealthy(Duration.ofSeconds(60));
        }
    }

    /**
     * The stream's events from the first one the follower received on: it subscribed after the job was submitted, so
     * the first events may have gone before it listened. A relay that reached Redis twice counts once.
     */
    private static List<String> fromFirstReceived(List<String> inStream, List<String> received) {
        var distinct = List.copyOf(new LinkedHashSet<>(inStream));
        int first = received.isEmpty() ? -1 : distinct.indexOf(received.getFirst());
        return first < 0 ? distinct : distinct.subList(first, distinct.size());
    }

    /** Ids of the followed job's events, in the stream's order, read from Redis itself. */
    private static List<String> streamEventIds(RedisServerFixture redis, String jobId) {
        var client = RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            var ids = new ArrayList<String>();
            for (var entry : connection.sync().xrange("agentforge:events", Range.create("-", "+"))) {
                var json = entry.getBody().get("event");
                if (json == null) {
                    continue;
                }
                var event = Json.read(json, JsonNode.class);
                if (jobId.equals(event.path("data").path("job_id").asText())) {
                    ids.add(event.path("event_id").asText());
                }
            }
            return ids;
        } finally {
            client.shutdown();
        }
    }

    private void killOne(Random random) throws InterruptedException {
        var target = TARGETS.get(random.nextInt(TARGETS.size()));
        if (target.equals("worker")) {
            var workers = services.entrySet().stream().filter(e -> e.getKey().startsWith("training"))
                    .flatMap(e -> ProcessHandle.of(e.getValue().pid()).stream())
                    .flatMap(ProcessHandle::descendants).filter(ProcessHandle::isAlive).toList();
            if (!workers.isEmpty()) {
                workers.get(random.nextInt(workers.size())).destroyForcibly();
                count("worker");
                return;
            }
            target = "training-" + (1 + random.nextInt(2));
        }
        if (restarting.contains(target)) {
            // Still coming back from an earlier kill: the next one that runs instead.
            var running = TARGETS.stream().filter(t -> !t.equals("worker") && !restarting.contains(t)).toList();
            if (running.isEmpty()) {
                return;
            }
            target = running.get(random.nextInt(running.size()));
        }
        var name = target;
        restarting.add(name);
        services.get(name).crash();
        count(name);
        restarts.add(Thread.ofVirtual().name("restart-" + name).start(() -> {
            try {
                restartUntilHealthy(name);
            } finally {
                restarting.remove(name);
            }
        }));
    }

    /** As an orchestrator would: start it again, and again, until it is healthy (it cannot start without its database). */
    private void restartUntilHealthy(String name) {
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                start(name).awaitHealthy(START_UP);
                restarted.incrementAndGet();
                return;
            } catch (AssertionError | IOException e) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private Thread outage(String what, Runnable stop, Runnable start) {
        count(what + " outage");
        return Thread.ofVirtual().name("outage-" + what).start(() -> {
            stop.run();
            try {
                Thread.sleep(OUTAGE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                start.run();
            }
        });
    }

    private void count(String fault) {
        synchronized (injected) {
            injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        }
    }

    private ServiceProcess start(String name) throws IOException {
        var kind = services2kind.get(name);
        var variables = new HashMap<>(environment);
        variables.put(kind.toUpperCase().replace("MODELS", "MODEL") + "_SERVICE_PORT", String.valueOf(ports.get(name)));
        var process = ServiceProcess.start(name + "-" + Instant.now().toEpochMilli(), kind, ports.get(name), variables,
                dir);
        services.put(name, process);
        return process;
    }

    /** Submits to whichever Training replica answers, as a client retrying on 503 would. */
    private String submit() throws Exception {
        var body = Json.write(Map.of("phase", "cognate", "parameters", TINY));
        for (int attempt = 0; ; attempt++) {
            for (var replica : List.of("training-1", "training-2")) {
                try {
                    var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(replica)
                            + "/jobs")).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        return Json.read(response.body(), JsonNode.class).path("data").path("job_id").asText();
                    }
                } catch (IOException e) {
                    // down: the other replica, or later
                }
            }
            if (attempt > 60) {
                throw new AssertionError("no Training replica accepted a job");
            }
            Thread.sleep(1_000);
        }
    }

    private String api() {
        return "http://127.0.0.1:" + ports.get("api");
    }

    /** The job as the API reports it; a missing answer (the API or a dependency down) reads as not final. */
    private JsonNode job(String id) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(api() + "/jobs/" + id))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Json.read(response.body(), JsonNode.class).path("data")
                    : Json.read("{}", JsonNode.class);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return Json.read("{}", JsonNode.class);
        }
    }

    private static boolean isFinal(JsonNode job) {
        return Set.of("completed", "failed", "cancelled").contains(job.path("status").asText());
    }

    private List<JsonNode> modelsOf(String jobId) throws Exception {
        var found = new ArrayList<JsonNode>();
        for (int offset = 0; ; offset += 100) {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(api() + "/models?phase=cognate&limit=100&offset="
                    + offset)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            var items = Json.read(response.body(), JsonNode.class).path("data").path("items");
            items.forEach(model -> {
                if (jobId.equals(model.path("training_job_id").asText())) {
                    found.add(model);
                }
            });
            if (items.size() < 100) {
                return found;
            }
        }
    }

    private static void awaitUntil(Duration timeout, java.util.function.BooleanSupplier condition,
                                   java.util.function.Supplier<String> otherwise) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + otherwise.get());
            }
            Thread.sleep(1_000);
        }
    }

    private void killAll() {
        for (var service : List.copyOf(services.values())) {
            try {
                service.close();
            } catch (InterruptedException | RuntimeException e) {
                System.err.println("could not kill " + service + ": " + e);
            }
        }
    }
}
