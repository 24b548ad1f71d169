package io.agentforge.launcher.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.platform.testing.RedisServerFixture;
import io.agentforge.platform.testing.RestartablePostgres;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos drill of issue 18: distributed mode on a real Redis (with its append-only file) and a real PostgreSQL,
 * every service in a JVM of its own and two Training replicas, while a pipeline run (all eight phases, tiny) and
 * tiny Cognate jobs run. At random moments a random process is killed with SIGKILL (the API, a Training replica with
 * its workers, one worker alone, the WebSocket service, the Model service) and started again as an orchestrator
 * would; Redis is stopped for 30 s and PostgreSQL for 30 s in between. A WebSocket client follows one job and resumes
 * after every break.
 *
 * <p>It asserts that every job ends completed (or failed only where worker faults used up its attempts, with that
 * reason), none is left pending or running, the pipeline run completed with one job per phase, every model of a
 * completed job is there and its bytes match its checksum, and the follower received every event about its job that
 * is in the event stream exactly once, in the stream's order, covering every step. It prints a table of what it did
 * and found.
 *
 * <p>{@code ./agent-forge test} (and so CI) runs it with the other tests; {@code ./agent-forge chaos} runs it alone.
 * {@code -Dchaos.kills=}, {@code -Dchaos.jobs=}, {@code -Dchaos.seed=} and {@code -Dchaos.outageSeconds=} change it.
 * Its waits are bounds on conditions, generous for a loaded machine; on a quiet one they come true long before.
 */
@Tag("chaos")
class ChaosDrillTest {
    private static final int KILLS = Integer.getInteger("chaos.kills", 20);
    private static final int JOBS = Integer.getInteger("chaos.jobs", 2);
    private static final long SEED = Long.getLong("chaos.seed", System.currentTimeMillis());
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("chaos.outageSeconds", 30));
    /** Short leases, so that the work of a killed Training replica continues within the drill's minutes. */
    private static final String JOB_LEASE = "10";
    private static final Duration START_UP = Duration.ofMinutes(10);
    private static final Duration SETTLE = Duration.ofMinutes(25);
    private static final int STEPS_PER_SEED = 8;
    /** A tiny Cognate job: three seeds of 8 steps, checkpoints every 2 steps. */
    private static final Map<String, Object> TINY = Map.of("model_preset", "tiny", "batch_size", 4,
            "max_train_samples", 200, "max_eval_samples", 20, "eval_interval", 4, "checkpoint_interval", 2,
            "max_steps", STEPS_PER_SEED);
    /** All eight phases on tiny with the smallest counts that still run each phase's own work. */
    private static final Map<String, Object> PIPELINE = Map.of(
            "parameters", Map.of("model_preset", "tiny", "max_steps", STEPS_PER_SEED, "batch_size", 4,
                    "max_train_samples", 200, "max_eval_samples", 20),
            "phases", Map.of(
                    "evomerge", Map.of("generations", 1, "population", 4),
                    "quietstar", Map.of("reinforce_steps", 2, "reinforce_batch", 2),
                    "tool-persona", Map.of("eval_problems", 5),
                    "adas", Map.of("generations", 1, "population", 2, "candidate_steps", 4,
                            "parameter_cap", 200_000)));
    /** Cheap start-up for JVMs that are killed and started twenty times on two cores: C1 only, the serial collector. */
    private static final List<String> SERVICE_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final Pattern MODELS_SAVED = Pattern.compile("completed: (\\d+) models saved");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final List<String> TARGETS = List.of("api", "training-1", "training-2", "worker", "websocket",
            "models");
    private static final Map<String, String> KIND = Map.of("api", "api", "training-1", "training",
            "training-2", "training", "websocket", "websocket", "models", "models", "monitoring", "monitoring");

    /** Kept when the drill fails: the services' logs are the first thing to read then. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final Map<String, ServiceProcess> services = new ConcurrentHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private Map<String, String> environment;
    private final Map<String, AtomicInteger> injected = new TreeMap<>();
    private final AtomicInteger restarted = new AtomicInteger();
    private final List<Thread> restarts = new CopyOnWriteArrayList<>();
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();

    @Test
    void survivesKillsAndOutagesWithoutLosingAJobAModelOrAnEvent() throws Exception {
        System.out.println("chaos drill: seed " + SEED + " (-Dchaos.seed= replays the choices), files in " + dir);
        var random = new Random(SEED);
        try (var redis = new RedisServerFixture(dir.resolve("redis")).start();
             var postgres = RestartablePostgres.start(dir)) {
            var cleanup = new Thread(this::killAll, "chaos-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                drill(random, redis, postgres);
            } finally {
                killAll();
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
    }

    private void drill(Random random, RedisServerFixture redis, RestartablePostgres postgres) throws Exception {
        var began = Instant.now();
        for (var name : List.of("api", "training-1", "training-2", "models", "websocket", "monitoring")) {
            ports.put(name, ServiceProcess.freePort());
        }
        environment = Map.ofEntries(Map.entry("REDIS_URL", redis.url()), Map.entry("DATABASE_URL", postgres.url()),
                Map.entry("TRAINING_SERVICE_URL", "http://127.0.0.1:" + ports.get("training-1")),
                Map.entry("MODEL_SERVICE_URL", "http://127.0.0.1:" + ports.get("models")),
                Map.entry("WEBSOCKET_SERVICE_URL", "http://127.0.0.1:" + ports.get("websocket")),
                Map.entry("MONITORING_SERVICE_URL", "http://127.0.0.1:" + ports.get("monitoring")),
                Map.entry("DATA_DIR", dir.resolve("data").toString()),
                Map.entry("STORAGE_PATH", dir.resolve("models").toString()), Map.entry("CHECK_INTERVAL", "5"),
                Map.entry("MAX_CONCURRENT_JOBS", "1"), Map.entry("JOB_LEASE", JOB_LEASE));
        for (var name : List.of("models", "websocket", "monitoring", "training-1", "training-2", "api")) {
            start(name);
        }
        for (var service : services.values()) {
            service.awaitHealthy(START_UP);
        }
        var started = Instant.now();

        // The pipeline's follower listens before the run starts: a client that has seen no event of its topic has
        // nothing to resume from after a break (a subscribe without since gets live messages only).
        var pipelineFollower = new ResumingFollower(ports.get("websocket"), "pipeline");
        awaitUntil(START_UP, () -> pipelineFollower.connections() > 0, () -> "the pipeline follower did not connect");
        // The pipeline first: it refuses to start while a phase has a job of someone else's running.
        var runId = startPipeline();
        var jobs = new ArrayList<String>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(submit());
        }
        var followed = jobs.getFirst();
        try (pipelineFollower; var follower = new ResumingFollower(ports.get("websocket"), "jobs/" + followed)) {
            // Wait until the followed job is under way, so that the faults meet running work, and until both
            // followers have an event to resume from.
            awaitUntil(START_UP, () -> follower.events().stream()
                    .anyMatch(e -> "training_progress".equals(e.path("type").asText())), () -> "no progress");
            awaitUntil(START_UP, () -> pipelineFollower.events().stream()
                    .anyMatch(e -> runId.equals(e.path("data").path("run_id").asText())),
                    () -> "no event of pipeline run " + runId + " reached its follower");

            var outages = new ArrayList<Thread>();
            int redisAt = KILLS / 3;
            int postgresAt = 2 * KILLS / 3;
            int kills = 0;
            while (kills < KILLS) {
                if (kills == redisAt && outages.isEmpty()) {
                    outages.add(outage("redis", redis::stop, redis::start));
                }
                if (kills == postgresAt && outages.size() == 1) {
                    outages.add(outage("postgresql", postgres::stop, postgres::start));
                }
                // A random moment: 2 to 6 s after the last kill.
                Thread.sleep(2_000 + random.nextInt(4_000));
                if (killOne(random)) {
                    kills++;
                }
            }
            for (var outage : outages) {
                outage.join(OUTAGE.plusMinutes(5));
            }
            for (var restart : restarts) {
                restart.join(START_UP.plusMinutes(5));
            }
            var faultsOver = Instant.now();

            awaitUntil(SETTLE, () -> pipelineEnded() && allJobs().stream().allMatch(ChaosDrillTest::isFinal),
                    () -> "not final: pipeline " + pipeline().path("status").asText() + " at "
                            + pipeline().path("current_phase").asText() + "; jobs " + allJobs().stream()
                            .filter(job -> !isFinal(job)).map(job -> job.path("job_id").asText() + " "
                                    + job.path("status").asText() + " " + job.path("message").asText()).toList());
            var settled = Instant.now();
            // The last events of the followed job reach the follower shortly after the job's end.
            awaitUntil(Duration.ofMinutes(2), () -> {
                var received = follower.events().stream().map(e -> e.path("event_id").asText()).toList();
                return fromFirstReceived(streamEventIds(redis, followed), received).equals(received);
            }, () -> {
                var received = follower.events().stream().map(e -> e.path("event_id").asText()).toList();
                return "the follower's events differ from the stream's: " + difference(
                        fromFirstReceived(streamEventIds(redis, followed), received), follower.events());
            });

            // The run's end reaches the pipeline's follower too.
            awaitUntil(Duration.ofMinutes(2), () -> pipelineFollower.events().stream()
                    .anyMatch(e -> "pipeline_complete".equals(e.path("type").asText())),
                    () -> "no pipeline_complete reached the WebSocket client");

            report(runId, jobs, followed, follower, pipelineFollower, redis, began, started, faultsOver, settled);
        }
    }

    private void report(String runId, List<String> standalone, String followed, ResumingFollower follower,
                        ResumingFollower pipelineFollower, RedisServerFixture redis, Instant began, Instant started,
                        Instant faultsOver, Instant settled) throws Exception {
        var problems = new ArrayList<String>();
        var pipelineEvents = pipelineFollower.events().stream()
                .filter(e -> runId.equals(e.path("data").path("run_id").asText())).toList();
        var pipelineEventIds = pipelineEvents.stream().map(e -> e.path("event_id").asText()).toList();
        int pipelineDuplicates = pipelineEventIds.size() - new LinkedHashSet<>(pipelineEventIds).size();
        if (pipelineDuplicates > 0) {
            problems.add(pipelineDuplicates + " pipeline events reached the WebSocket client twice");
        }
        var pipeline = pipelineReport();
        var pipelineStatus = pipeline.path("status").asText();
        if (!runId.equals(pipeline.path("run_id").asText())) {
            problems.add("the pipeline report is of run " + pipeline.path("run_id").asText() + ", not " + runId);
        }
        var pipelineJobs = new ArrayList<String>();
        for (var phase : pipeline.path("phases")) {
            if (!phase.path("job_id").isMissingNode() && !phase.path("job_id").isNull()) {
                pipelineJobs.add(phase.path("job_id").asText());
            }
        }
        if (!pipelineStatus.equals("completed") && !endedByWorkerFaults(pipeline.path("message").asText())) {
            problems.add("pipeline run " + runId + " ended " + pipelineStatus + ": " + pipeline.path("message").asText());
        }
        // Continued by whichever replica held its lease after each kill: never a phase queued twice.
        var everyJob = allJobs();
        for (var phase : pipeline.path("phases")) {
            var name = phase.path("phase").asText();
            long ofPhase = everyJob.stream().filter(job -> name.equals(job.path("phase").asText())).count();
            long expected = name.equals("cognate") ? standalone.size() + 1 : phase.path("job_id").isTextual() ? 1 : 0;
            if (ofPhase != expected) {
                problems.add("phase " + name + " has " + ofPhase + " jobs, not " + expected);
            }
        }

        var jobs = new ArrayList<String>(standalone);
        jobs.addAll(pipelineJobs);
        int completed = 0;
        int failedByWorkerFaults = 0;
        var models = new ArrayList<JsonNode>();
        var allModels = allModels();
        for (var id : jobs) {
            var job = job(id);
            var status = job.path("status").asText();
            if (status.equals("completed")) {
                completed++;
                var ofJob = allModels.stream().filter(m -> id.equals(m.path("training_job_id").asText())).toList();
                var saved = MODELS_SAVED.matcher(job.path("message").asText());
                int expected = saved.find() ? Integer.parseInt(saved.group(1)) : -1;
                if (ofJob.size() != expected || ofJob.isEmpty()) {
                    problems.add("job " + id + " (" + job.path("phase").asText() + ") completed with " + ofJob.size()
                            + " models, its message says: " + job.path("message").asText());
                }
                models.addAll(ofJob);
            } else if (status.equals("failed") && endedByWorkerFaults(job.path("error_message").asText())) {
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
        var steps = new TreeSet<Integer>();
        int progressEvents = 0;
        for (var event : follower.events()) {
            if ("training_progress".equals(event.path("type").asText())) {
                progressEvents++;
                steps.add(event.path("data").path("current_step").asInt());
            }
        }
        var expectedSteps = IntStream.rangeClosed(1, 3 * STEPS_PER_SEED).boxed().toList();
        int faults = injected.values().stream().mapToInt(AtomicInteger::get).sum();
        int losses = problems.size() + duplicates + missing.size();

        var table = new StringBuilder();
        table.append("\nchaos drill, seed ").append(SEED).append(", ").append(KILLS).append(" kills, outages of ")
                .append(OUTAGE.toSeconds()).append(" s, JOB_LEASE ").append(JOB_LEASE).append(" s\n");
        table.append("| faults injected | survived | jobs | events (followed job) | losses |\n");
        table.append("|---|---|---|---|---|\n");
        table.append("| ").append(faults).append(" (").append(injected).append(")")
                .append(" | ").append(restarted.get()).append(" restarts healthy, all services healthy at the end")
                .append(" | ").append(jobs.size()).append(" (").append(standalone.size()).append(" Cognate + the ")
                .append("pipeline's ").append(pipelineJobs.size()).append(", run ").append(pipelineStatus).append("): ")
                .append(completed).append(" completed, ").append(failedByWorkerFaults).append(" failed by worker faults")
                .append(" | ").append(received.size()).append(" received, ").append(inStream.size())
                .append(" in the stream, ").append(duplicates).append(" duplicates, ").append(missing.size())
                .append(" missing; steps ").append(steps.size()).append(" of ").append(expectedSteps.size())
                .append(" in ").append(progressEvents).append(" progress events (steps after a checkpoint run again"
                        + " after a crash); ").append(follower.connections()).append(" connections, resume errors ")
                .append(follower.resumeErrors()).append("; pipeline: ").append(pipelineEvents.size())
                .append(" events of the run received, ").append(pipelineDuplicates).append(" duplicates")
                .append(" | ").append(losses).append(" |\n");
        table.append("models checked: ").append(models.size()).append(", corrupt or missing: ").append(corrupt)
                .append("; start-up ").append(Duration.between(began, started).toSeconds()).append(" s, faults for ")
                .append(Duration.between(started, faultsOver).toSeconds()).append(" s, settled ")
                .append(Duration.between(faultsOver, settled).toSeconds()).append(" s later; wall time ")
                .append(Duration.between(began, Instant.now()).toSeconds()).append(" s\n");
        System.out.println(table);

        assertThat(problems).as(table.toString()).isEmpty();
        assertThat(faults).isGreaterThanOrEqualTo(KILLS + 2);
        assertThat(received).as("every event of the followed job once, in the stream's order")
                .containsExactlyElementsOf(inStream);
        if (job(followed).path("status").asText().equals("completed")) {
            assertThat(steps).as("every step of the followed job seen").containsAll(expectedSteps);
        }
        for (var name : services.keySet()) {
            services.get(name).awaitHealthy(START_UP);
        }
    }

    private static boolean endedByWorkerFaults(String reason) {
        return reason.contains("worker died") && reason.contains("attempt 3 of 3");
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

    /** What a follower got wrong against the stream: events missing, received twice, and the first divergence. */
    private static String difference(List<String> inStream, List<JsonNode> events) {
        var received = events.stream().map(e -> e.path("event_id").asText()).toList();
        var missing = new ArrayList<>(inStream);
        missing.removeAll(received);
        var unexpected = new ArrayList<String>();
        for (var event : events) {
            if (!inStream.contains(event.path("event_id").asText())) {
                unexpected.add(event.path("event_id").asText() + " " + event.path("type").asText());
            }
        }
        int divergence = 0;
        while (divergence < Math.min(inStream.size(), received.size())
                && inStream.get(divergence).equals(received.get(divergence))) {
            divergence++;
        }
        return inStream.size() + " in the stream, " + received.size() + " received; missing " + missing
                + "; received but not in the stream " + unexpected + "; received twice "
                + (received.size() - new LinkedHashSet<>(received).size()) + "; first divergence at " + divergence;
    }

    /**
     * Ids of the events the WebSocket service routes to the job's topic, in the stream's order, read from Redis
     * itself: those naming the job ({@code job_id}), and the models it saved ({@code training_job_id}).
     */
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
                var data = event.path("data");
                if (jobId.equals(data.path("job_id").asText(data.path("training_job_id").asText()))) {
                    ids.add(event.path("event_id").asText());
                }
            }
            return ids;
        } finally {
            client.shutdown();
        }
    }

    /**
     * Kills a random process that is up: a worker of either replica, or a service not still coming back from an
     * earlier kill. False when none is up at this moment (everything restarting), so that the caller tries later.
     */
    private boolean killOne(Random random) throws InterruptedException {
        var target = TARGETS.get(random.nextInt(TARGETS.size()));
        if (target.equals("worker")) {
            var workers = services.entrySet().stream().filter(e -> e.getKey().startsWith("training"))
                    .flatMap(e -> ProcessHandle.of(e.getValue().pid()).stream())
                    .flatMap(ProcessHandle::descendants).filter(ProcessHandle::isAlive).toList();
            if (!workers.isEmpty()) {
                workers.get(random.nextInt(workers.size())).destroyForcibly();
                count("worker");
                return true;
            }
            target = "training-" + (1 + random.nextInt(2));
        }
        if (restarting.contains(target)) {
            var running = TARGETS.stream().filter(t -> !t.equals("worker") && !restarting.contains(t)).toList();
            if (running.isEmpty()) {
                return false;
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
        return true;
    }

    /**
     * As an orchestrator would: start it again, and again, until it is healthy (it cannot start while its database is
     * away), within the start-up bound.
     */
    private void restartUntilHealthy(String name) {
        var deadline = Instant.now().plus(START_UP);
        while (Instant.now().isBefore(deadline)) {
            try {
                start(name).awaitHealthy(Duration.between(Instant.now(), deadline));
                restarted.incrementAndGet();
                return;
            } catch (AssertionError | IOException e) {
                // Exited before it was healthy: the next attempt, after a pause as an orchestrator's back-off.
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
        var kind = KIND.get(name);
        var variables = new HashMap<>(environment);
        variables.put(kind.toUpperCase().replace("MODELS", "MODEL") + "_SERVICE_PORT", String.valueOf(ports.get(name)));
        var process = ServiceProcess.start(name + "-" + Instant.now().toEpochMilli(), kind, ports.get(name), variables,
                dir, SERVICE_JVM);
        services.put(name, process);
        return process;
    }

    /** Starts the pipeline run on whichever Training replica answers; its id. */
    private String startPipeline() {
        return postToTraining("/pipeline/run", PIPELINE).path("run_id").asText();
    }

    /** Submits to whichever Training replica answers, as a client retrying on 503 would. */
    private String submit() {
        return postToTraining("/jobs", Map.of("phase", "cognate", "parameters", TINY)).path("job_id").asText();
    }

    private JsonNode postToTraining(String path, Map<String, Object> request) {
        var body = Json.write(request);
        var last = new StringBuilder();
        var answer = await().atMost(START_UP).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (var replica : List.of("training-1", "training-2")) {
                try {
                    var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(replica)
                            + path)).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        return Optional.of(Json.read(response.body(), JsonNode.class).path("data"));
                    }
                    last.setLength(0);
                    last.append(response.statusCode()).append(' ').append(response.body());
                    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isIn(502, 503, 504);
                } catch (IOException e) {
                    // down: the other replica, or later
                }
            }
            return Optional.<JsonNode>empty();
        }, Optional::isPresent);
        return answer.orElseThrow(() -> new AssertionError("POST " + path + ": " + last));
    }

    private String api() {
        return "http://127.0.0.1:" + ports.get("api");
    }

    /** A GET through the API; a missing answer (the API or a dependency down) is an empty object. */
    private JsonNode get(String path) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(api() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Json.read(response.body(), JsonNode.class).path("data")
                    : Json.read("{}", JsonNode.class);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return Json.read("{}", JsonNode.class);
        }
    }

    private JsonNode job(String id) {
        return get("/jobs/" + id);
    }

    private JsonNode pipeline() {
        return get("/pipeline/status");
    }

    private JsonNode pipelineReport() {
        return get("/pipeline/report");
    }

    private boolean pipelineEnded() {
        return Set.of("completed", "failed", "cancelled").contains(pipeline().path("status").asText());
    }

    /** Every job the Training service knows; while the API cannot answer, one unfinished stand-in. */
    private List<JsonNode> allJobs() {
        var found = new ArrayList<JsonNode>();
        for (int offset = 0; ; offset += 100) {
            var page = get("/jobs?limit=100&offset=" + offset);
            if (!page.has("items")) {
                return List.of(Json.read("{\"job_id\": \"(the API did not answer)\"}", JsonNode.class));
            }
            page.path("items").forEach(found::add);
            if (page.path("items").size() < 100) {
                return found;
            }
        }
    }

    private List<JsonNode> allModels() {
        var found = new ArrayList<JsonNode>();
        for (int offset = 0; ; offset += 100) {
            var page = get("/models?limit=100&offset=" + offset);
            assertThat(page.has("items")).as("GET /models answered").isTrue();
            page.path("items").forEach(found::add);
            if (page.path("items").size() < 100) {
                return found;
            }
        }
    }

    private static boolean isFinal(JsonNode job) {
        return Set.of("completed", "failed", "cancelled").contains(job.path("status").asText());
    }

    private static void awaitUntil(Duration timeout, BooleanSupplier condition, Supplier<String> otherwise) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(condition::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not within " + timeout + ": " + otherwise.get(), e);
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
