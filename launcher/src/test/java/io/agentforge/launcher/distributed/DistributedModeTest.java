package io.agentforge.launcher.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.platform.testing.PostgresServerFixture;
import io.agentforge.platform.testing.RedisServerFixture;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Distributed mode end to end: a real Redis and PostgreSQL, each of the five services in a JVM of its own started by
 * {@code Main start <service>} and configured only by the environment variables of SPEC section 2, and a client that
 * speaks HTTP to the API and listens on the WebSocket. Then a second Training replica joins, the two share the job
 * queue, and one of them is killed with SIGKILL (workers included) while it runs a job. Last, a job cancelled through
 * the API stops on the replica that runs it (not the one the API calls), and a replica stopped with SIGTERM hands its
 * job back to continue elsewhere. The tests run in order on one set of processes: the JVMs start once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedModeTest {
    private static final Duration START_UP = Duration.ofSeconds(120);
    private static final Duration TRAINING = Duration.ofMinutes(4);
    /** A tiny Cognate job: three seeds of a few steps each, checkpoints every 2 steps. */
    private static final Map<String, Object> TINY = Map.of("model_preset", "tiny", "batch_size", 4,
            "max_train_samples", 200, "max_eval_samples", 20, "eval_interval", 2, "checkpoint_interval", 2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static final RedisServerFixture REDIS = new RedisServerFixture();
    static final Map<String, ServiceProcess> SERVICES = new LinkedHashMap<>();
    static Map<String, String> environment;
    static EventStream events;
    /** A long job that keeps the first Training replica's only slot busy in the last two tests. */
    static String occupier;

    /** Prints the end of every service's log when a test fails, while the processes are still there to read. */
    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            SERVICES.values().forEach(service -> System.err.println("----- " + service + ", last lines:\n"
                    + service.logTail(40)));
        }
    };

    @BeforeAll
    static void startEverything() throws Exception {
        // Should this JVM be stopped before @AfterAll runs (Ctrl-C of the build), the services must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(DistributedModeTest::killAll, "distributed-mode-cleanup"));
        REDIS.start();
        var database = PostgresServerFixture.freshDatabase();
        var ports = Map.of("api", ServiceProcess.freePort(), "training", ServiceProcess.freePort(),
                "models", ServiceProcess.freePort(), "websocket", ServiceProcess.freePort(),
                "monitoring", ServiceProcess.freePort());
        // One data directory on one machine: Training replicas find each other's job checkpoints there, as they
        // would on a shared volume.
        environment = Map.of("REDIS_URL", REDIS.url(), "DATABASE_URL", database.url(),
                "TRAINING_SERVICE_URL", "http://127.0.0.1:" + ports.get("training"),
                "MODEL_SERVICE_URL", "http://127.0.0.1:" + ports.get("models"),
                "WEBSOCKET_SERVICE_URL", "http://127.0.0.1:" + ports.get("websocket"),
                "MONITORING_SERVICE_URL", "http://127.0.0.1:" + ports.get("monitoring"),
                "DATA_DIR", dir.resolve("data").toString(), "STORAGE_PATH", dir.resolve("models").toString(),
                "CHECK_INTERVAL", "1", "MAX_CONCURRENT_JOBS", "1");
        for (var service : List.of("models", "websocket", "monitoring", "training", "api")) {
            start(service, service, ports.get(service));
        }
        for (var service : SERVICES.values()) {
            service.awaitHealthy(START_UP);
        }
        events = EventStream.connect(SERVICES.get("websocket").port())
                .subscribe("training_updates").subscribe("model_updates").subscribe("agent_forge_phases");
    }

    private static ServiceProcess start(String name, String service, int port) throws Exception {
        var variables = new HashMap<>(environment);
        variables.put(service.toUpperCase().replace("MODELS", "MODEL") + "_SERVICE_PORT", String.valueOf(port));
        var process = ServiceProcess.start(name, service, port, variables, dir);
        SERVICES.put(name, process);
        return process;
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (events != null) {
                events.close();
            }
        } finally {
            try {
                killAll();
            } finally {
                REDIS.close();
            }
        }
    }

    /** Kills every service process and its workers, each even if another cannot be killed. */
    private static synchronized void killAll() {
        for (var service : List.copyOf(SERVICES.values())) {
            try {
                service.close();
            } catch (InterruptedException | RuntimeException e) {
                System.err.println("could not kill " + service + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void aClientTrainsCognateThroughTheApiFollowsItOnTheWebSocketAndGetsVerifiedModelsAndAReply() throws Exception {
        var api = WebTestClient.of(SERVICES.get("api").port());
        var parameters = new LinkedHashMap<>(TINY);
        parameters.put("max_steps", 10);

        var started = api.post("/phases/cognate/start", Json.write(Map.of("parameters", parameters)));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        var jobId = started.json().path("data").path("job_id").asText();
        var jobTopic = "jobs/" + jobId;
        events.subscribe(jobTopic);
        var finished = events.await(TRAINING, message -> jobTopic.equals(message.path("topic").asText())
                && Set.of("training_completed", "training_failed").contains(EventStream.type(message)));
        assertThat(EventStream.type(finished)).as(finished.toString()).isEqualTo("training_completed");
        var job = api.get("/jobs/" + jobId).json().path("data");
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(events.events(jobTopic, "training_progress")).isNotEmpty();
        // Three models of 10 steps: every step's metrics are kept, once each.
        assertThat(api.get("/jobs/" + jobId + "/metrics").json().path("data"))
                .extracting(point -> point.path("current_step").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
        var phase = api.get("/phases/cognate/status").json().path("data");
        assertThat(phase.path("status").asText()).isEqualTo("completed");
        assertThat(phase.path("job_id").asText()).isEqualTo(jobId);
        assertThat(phase.path("current_step").asInt()).isEqualTo(30);
        assertThat(phase.path("total_steps").asInt()).isEqualTo(30);
        assertThat(phase.path("metrics").path("loss").isNumber()).as(phase.toString()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.events("agent_forge_phases", "phase_update").stream()
                .anyMatch(update -> jobId.equals(update.path("job_id").asText())
                        && "cognate".equals(update.path("phase_name").asText())
                        && "completed".equals(update.path("status").asText())));

        var listing = api.get("/models?phase=cognate").json().path("data");
        var models = StreamSupport.stream(listing.path("items").spliterator(), false)
                .filter(model -> jobId.equals(model.path("training_job_id").asText())).toList();
        assertThat(models).extracting(model -> model.path("name").asText()).containsExactlyInAnyOrder(
                "cognate-ancestor", "cognate-seed42", "cognate-seed1337", "cognate-seed2023");
        assertThat(listing.path("summary").path("total_models").asLong()).isEqualTo(4);
        for (var model : models) {
            var id = model.path("model_id").asText();
            var download = HTTP.send(HttpRequest.newBuilder(URI.create(SERVICES.get("api").url() + "/models/" + id
                    + "/download")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            var sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body()));
            assertThat(sha256).as("SHA-256 of %s", model.path("name").asText())
                    .isEqualTo(model.path("checksum").asText())
                    .isEqualTo(download.headers().firstValue("X-Checksum-SHA256").orElse(""));
            assertThat((long) download.body().length).isEqualTo(model.path("file_size").asLong()).isPositive();
        }
        // The Model service announced each save on the bus, and the WebSocket service passed it on.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events.events("model_updates", "model_saved"))
                .extracting(message -> message.path("data").path("model_id").asText())
                .containsAll(models.stream().map(model -> model.path("model_id").asText()).toList()));

        var trained = models.stream().filter(model -> model.path("name").asText().equals("cognate-seed42")).findFirst()
                .orElseThrow();
        var chat = api.post("/chat", Json.write(Map.of("model_id", trained.path("model_id").asText(),
                "message", "Tom has 3 apples", "context", Map.of("max_tokens", 8, "temperature", 0))));
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        var reply = chat.json().path("data");
        assertThat(reply.path("model_name").asText()).isEqualTo("cognate-seed42");
        assertThat(reply.path("response").asText()).isNotEmpty();
        assertThat(reply.path("metadata").path("parameter_count").asLong()).isPositive();
        assertThat(reply.path("metadata").path("generated_tokens").asInt()).isBetween(1, 8);
        assertThat(reply.path("metadata").path("tokens_per_second").asDouble()).isPositive();

        // Monitoring watches every service that has a *_SERVICE_URL, and the API (which has none in SPEC section 2)
        // at the address it announced on the bus.
        var monitoring = WebTestClient.of(SERVICES.get("monitoring").port());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var overview = monitoring.get("/overview").json().path("data");
            assertThat(overview.path("services").path("total").asInt()).isEqualTo(4);
            assertThat(overview.path("services").path("healthy").asInt()).isEqualTo(4);
            assertThat(overview.path("service_health")).extracting(health -> health.path("service_name").asText())
                    .containsExactlyInAnyOrder("training", "models", "websocket", "api");
            assertThat(overview.path("overall_status").asText()).isEqualTo("healthy");
        });
    }

    @Test
    @Order(2)
    void twoTrainingReplicasShareTheQueueAndASurvivorFinishesTheJobOfOneKilledMidRun() throws Exception {
        var first = SERVICES.get("training");
        var second = start("training-2", "training", ServiceProcess.freePort());
        second.awaitHealthy(START_UP);
        var replicas = List.of(first, second);
        var jobIds = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            var parameters = new LinkedHashMap<>(TINY);
            parameters.put("max_steps", 8);
            jobIds.add(submit(replicas.get(i % 2), parameters));
        }

        // The second replica runs a job and is past its first checkpoint: a machine crash now.
        var victim = events.await(TRAINING, message -> "training_progress".equals(EventStream.type(message))
                && jobIds.contains(jobOf(message)) && message.path("data").path("current_step").asInt() >= 3
                && ranOn(second, startOf(jobOf(message))) && events.trainingEvents("training_completed",
                jobOf(message)).isEmpty());
        var victimJob = jobOf(victim);
        var workerPid = startOf(victimJob).path("data").path("worker_pid").asLong();
        var killed = second.crash();
        assertThat(killed).extracting(ProcessHandle::pid).contains(workerPid);
        assertThat(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        // The survivor recovers the job once its lease (30 s) has run out, and every job completes.
        var training = WebTestClient.of(first.port());
        await().atMost(TRAINING).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (var jobId : jobIds) {
                var job = training.get("/jobs/" + jobId).json().path("data");
                assertThat(job.path("status").asText()).as("job %s: %s", jobId, job).isIn("pending", "running",
                        "completed");
                assertThat(job.path("status").asText()).as("job %s", jobId).isEqualTo("completed");
            }
        });
        assertThat(training.get("/jobs?status=running").json().path("data").path("total").asInt()).isZero();

        // The survivor continued from the last checkpoint the killed replica left on the shared disk: every step
        // of the job is in its history once, none repeated by the second run.
        assertThat(training.get("/jobs/" + victimJob + "/metrics").json().path("data"))
                .extracting(point -> point.path("current_step").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 24).boxed().toList());
        var starts = events.trainingEvents("training_started", victimJob);
        assertThat(starts).hasSize(2);
        assertThat(ranOn(second, starts.get(0))).isTrue();
        assertThat(ranOn(first, starts.get(1))).as("the job continued on the survivor").isTrue();
        assertThat(starts.get(1).path("data").path("resumed_from_step").asInt()).isPositive();
        var replicasUsed = new HashSet<Long>();
        for (var jobId : jobIds) {
            var jobStarts = events.trainingEvents("training_started", jobId);
            jobStarts.forEach(start -> replicasUsed.add(replicaPid(start)));
            if (!jobId.equals(victimJob)) {
                assertThat(jobStarts).as("starts of job %s", jobId).hasSize(1);
            }
            assertThat(events.trainingEvents("training_completed", jobId)).as("completions of %s", jobId).hasSize(1);
        }
        assertThat(replicasUsed).containsExactlyInAnyOrder(first.pid(), second.pid());
        // Each job stored its four models once: a retried job does not store a model twice.
        var models = WebTestClient.of(SERVICES.get("api").port()).get("/models?phase=cognate&limit=100").json()
                .path("data");
        for (var jobId : jobIds) {
            assertThat(StreamSupport.stream(models.path("items").spliterator(), false)
                    .filter(model -> jobId.equals(model.path("training_job_id").asText()))).as("models of %s", jobId)
                    .hasSize(4);
        }
        assertThat(first.isAlive()).isTrue();
        assertThat(second.log()).contains(victimJob);
    }

    @Test
    @Order(3)
    void aJobCancelledThroughTheApiStopsOnTheReplicaThatRunsIt() throws Exception {
        var first = SERVICES.get("training");
        var api = WebTestClient.of(SERVICES.get("api").port());
        var parameters = new LinkedHashMap<>(TINY);
        parameters.put("max_steps", 2000);
        // The first replica (the one the API calls) is kept busy before the third starts, so the third takes the
        // next job, here and in the next test.
        occupier = submit(first, parameters);
        var occupied = events.await(TRAINING, message -> "training_started".equals(EventStream.type(message))
                && occupier.equals(jobOf(message)));
        assertThat(ranOn(first, occupied)).isTrue();
        var third = start("training-3", "training", ServiceProcess.freePort());
        third.awaitHealthy(START_UP);
        var elsewhere = submit(first, parameters);
        var started = events.await(TRAINING, message -> "training_started".equals(EventStream.type(message))
                && elsewhere.equals(jobOf(message)));
        assertThat(ranOn(third, started)).as(started.toString()).isTrue();
        events.await(TRAINING, message -> "training_progress".equals(EventStream.type(message))
                && elsewhere.equals(jobOf(message)));

        var cancelled = HTTP.send(HttpRequest.newBuilder(URI.create(SERVICES.get("api").url() + "/jobs/" + elsewhere))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        // The replica running it learns of the cancellation from the database and stops its worker.
        var worker = started.path("data").path("worker_pid").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(worker).map(p -> !p.isAlive()).orElse(true));
        assertThat(third.isAlive()).isTrue();
        assertThat(events.trainingEvents("training_cancelled", elsewhere)).hasSize(1);
        events.await(Duration.ofSeconds(10), message -> "phase_update".equals(EventStream.type(message))
                && elsewhere.equals(message.path("job_id").asText())
                && "cancelled".equals(message.path("status").asText()));
        // Still cancelled once its worker is gone: the stopped run did not overwrite the caller's decision.
        assertThat(api.get("/jobs/" + elsewhere).json().path("data").path("status").asText()).isEqualTo("cancelled");
        assertThat(events.trainingEvents("training_completed", elsewhere)).isEmpty();
        assertThat(events.trainingEvents("training_failed", elsewhere)).isEmpty();
        assertThat(api.get("/jobs/" + occupier).json().path("data").path("status").asText()).isEqualTo("running");
    }

    @Test
    @Order(4)
    void aReplicaStoppedWithSigtermHandsItsJobBackToContinueFromItsCheckpointElsewhere() throws Exception {
        var first = SERVICES.get("training");
        var third = SERVICES.get("training-3");
        var api = WebTestClient.of(SERVICES.get("api").port());
        var parameters = new LinkedHashMap<>(TINY);
        parameters.put("max_steps", 12);
        // The first replica still runs the previous test's occupier, so the third takes this job.
        assertThat(api.get("/jobs/" + occupier).json().path("data").path("status").asText()).isEqualTo("running");
        var moved = submit(first, parameters);
        var started = events.await(TRAINING, message -> "training_started".equals(EventStream.type(message))
                && moved.equals(jobOf(message)));
        assertThat(ranOn(third, started)).as(started.toString()).isTrue();
        events.await(TRAINING, message -> "training_progress".equals(EventStream.type(message))
                && moved.equals(jobOf(message)) && message.path("data").path("current_step").asInt() >= 3);

        var exitCode = third.stop(Duration.ofSeconds(60)); // SIGTERM, as a rolling deploy or a scale-down sends

        assertThat(third.log()).contains("stopping", "stopped");
        assertThat(exitCode).as(third.logTail(20)).isIn(0, 143);
        var worker = started.path("data").path("worker_pid").asLong();
        assertThat(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // Handed back at once, not left running until its lease runs out; it waits for a free slot.
        var handedBack = api.get("/jobs/" + moved).json().path("data");
        assertThat(handedBack.path("status").asText()).as(handedBack.toString()).isEqualTo("pending");

        // A free slot on the first replica: it takes the job up from the checkpoint the third one wrote.
        HTTP.send(HttpRequest.newBuilder(URI.create(SERVICES.get("api").url() + "/jobs/" + occupier)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(TRAINING).pollInterval(Duration.ofSeconds(1)).until(() -> Set.of("completed", "failed")
                .contains(api.get("/jobs/" + moved).json().path("data").path("status").asText()));
        assertThat(api.get("/jobs/" + moved).json().path("data").path("status").asText()).isEqualTo("completed");
        var starts = events.trainingEvents("training_started", moved);
        assertThat(starts).hasSize(2);
        assertThat(ranOn(first, starts.get(1))).isTrue();
        assertThat(starts.get(1).path("data").path("resumed_from_step").asInt()).isPositive();
        assertThat(api.get("/jobs/" + moved + "/metrics").json().path("data"))
                .extracting(point -> point.path("current_step").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 36).boxed().toList());
    }

    /** Queues a Cognate job at a Training replica; returns its id. */
    private static String submit(ServiceProcess replica, Map<String, Object> parameters) {
        var submitted = WebTestClient.of(replica.port()).post("/jobs",
                Json.write(Map.of("phase", "cognate", "parameters", parameters)));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        return submitted.json().path("data").path("job_id").asText();
    }

    private static String jobOf(JsonNode message) {
        return message.path("data").path("job_id").asText();
    }

    /** The job's latest {@code training_started} message, or null before it started. */
    private static JsonNode startOf(String jobId) {
        var starts = events.trainingEvents("training_started", jobId);
        return starts.isEmpty() ? null : starts.getLast();
    }

    /** The pid of the replica that started a run: its lease owner is {@code host/pid/uuid}. */
    private static long replicaPid(JsonNode started) {
        var owner = started.path("data").path("instance").asText().split("/");
        return Long.parseLong(owner[owner.length - 2]);
    }

    private static boolean ranOn(ServiceProcess replica, JsonNode started) {
        return started != null && replicaPid(started) == replica.pid();
    }
}
