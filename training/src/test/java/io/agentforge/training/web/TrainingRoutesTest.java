package io.agentforge.training.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Training server as the launcher builds it, over a real job system and a real (tiny) training run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingRoutesTest {
    private static final String TINY_JOB = """
            {"phase": "cognate", "parameters": {"model_preset": "tiny", "max_steps": 2, "batch_size": 4,
             "max_train_samples": 100, "max_eval_samples": 10}}""";

    @TempDir
    static Path dir;
    Database database;
    InProcessEventBus bus;
    TrainingJobs training;
    ServiceServer server;
    final HttpClient http = HttpClient.newHttpClient();
    String finishedJobId;

    @BeforeAll
    void start() throws Exception {
        database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA);
        bus = new InProcessEventBus();
        training = TrainingJobs.start(database, bus, new ModelShelf(dir.resolve("models")),
                SchedulerSettings.defaults(2, dir));
        server = TrainingServer.create(new TrainingServiceConfig(0, 2, Optional.empty()), dir,
                List.of(HealthCheck.of("database", database::check)), training).start();
        var submitted = call("POST", "/jobs", TINY_JOB);
        assertThat(submitted.statusCode()).isEqualTo(202);
        finishedJobId = body(submitted).at("/data/job_id").asText();
        await().atMost(Duration.ofMinutes(2)).until(() ->
                body(call("GET", "/jobs/" + finishedJobId, null)).at("/data/status").asText().equals("completed"));
    }

    @AfterAll
    void stop() {
        server.close();
        training.close();
        bus.close();
        database.close();
    }

    @Test
    void aSubmittedJobIsListedWithItsMetricHistory() throws Exception {
        var job = body(call("GET", "/jobs/" + finishedJobId, null));
        assertThat(job.at("/success").asBoolean()).isTrue();
        assertThat(job.at("/data/phase").asText()).isEqualTo("cognate");
        assertThat(job.at("/data/progress").asDouble()).isEqualTo(1.0);
        assertThat(job.at("/data/parameters/max_steps").asInt()).isEqualTo(2);

        var metrics = body(call("GET", "/jobs/" + finishedJobId + "/metrics", null)).at("/data");
        assertThat(metrics.size()).isEqualTo(6);
        assertThat(metrics.get(0).at("/metrics/loss").isNumber()).isTrue();

        var listed = body(call("GET", "/jobs?phase=cognate&status=completed&limit=10", null));
        assertThat(listed.at("/data/total").asInt()).isEqualTo(1);
        assertThat(listed.at("/data/items/0/job_id").asText()).isEqualTo(finishedJobId);
        assertThat(body(call("GET", "/jobs?status=running", null)).at("/data/total").asInt()).isZero();
    }

    @Test
    void refusesBadInputInTheEnvelopeAndChangesNothing() throws Exception {
        assertError(call("POST", "/jobs", "{\"phase\": \"cognate\", "), 400, "malformed JSON");
        assertError(call("POST", "/jobs", "{\"phase\": \"pretraining\"}"), 400, "phase");
        assertError(call("POST", "/jobs", "{\"phase\": \"cognate\", \"parameters\": {\"max_stepz\": 3}}"), 400,
                "max_stepz");
        assertError(call("POST", "/jobs", "{\"phase\": \"cognate\", \"parameters\": {\"learning_rate\": 5}}"), 400,
                "learning_rate");
        assertError(call("GET", "/jobs?status=sleeping", null), 400, "status");
        assertError(call("GET", "/jobs/no-such-job", null), 404, "no-such-job");
        assertError(call("DELETE", "/jobs/no-such-job", null), 404, "no-such-job");
        assertError(call("DELETE", "/jobs/" + finishedJobId, null), 409, "completed");
        assertError(call("POST", "/jobs/" + finishedJobId + "/pause", null), 409, "completed");
        assertError(call("POST", "/jobs/" + finishedJobId + "/resume", null), 409, "not paused");

        assertThat(body(call("GET", "/jobs", null)).at("/data/total").asInt()).isEqualTo(1);
        assertThat(body(call("GET", "/jobs/" + finishedJobId, null)).at("/data/status").asText()).isEqualTo("completed");
    }

    @Test
    void finalCompressionRunsAndItsOwnParametersAreCheckedByName() throws Exception {
        var implemented = body(call("GET", "/phases/implemented", null)).at("/data");
        assertThat(implemented.toString()).contains("final-compression");
        assertError(call("POST", "/jobs", "{\"phase\": \"final-compression\", \"parameters\": {\"int4_groupsize\": 32}}"),
                400, "int4_groupsize");
        assertError(call("POST", "/jobs", "{\"phase\": \"final-compression\", \"parameters\": {\"greedy_prompts\": 0}}"),
                400, "greedy_prompts");
        // Cognate does not take the compression's parameters.
        assertError(call("POST", "/jobs", "{\"phase\": \"cognate\", \"parameters\": {\"int4_group_size\": 32}}"),
                400, "int4_group_size");
    }

    @Test
    void healthReportsTheDatabaseAndTheWorkerSlots() throws Exception {
        var response = call("GET", "/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        var health = body(response);
        assertThat(health.at("/checks/database/status").asText()).isEqualTo("healthy");
        assertThat(health.at("/checks/workers/detail").asText()).contains("of at most 2");
        assertThat(health.at("/checks/data_dir/status").asText()).isNotEqualTo("unhealthy");
    }

    @Test
    void metricsCountJobsByStatus() throws Exception {
        var text = call("GET", "/metrics", null).body();

        assertThat(text).containsPattern("agentforge_training_jobs\\{[^}]*status=\"completed\"[^}]*} 1.0");
        assertThat(text).containsPattern("agentforge_training_jobs\\{[^}]*status=\"running\"[^}]*} 0.0");
        assertThat(text).containsPattern("agentforge_training_workers_max\\{[^}]*} 2.0");
    }

    private void assertError(HttpResponse<String> response, int status, String mentions) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        var body = body(response);
        assertThat(body.at("/success").asBoolean()).isFalse();
        assertThat(body.at("/error").asText()).contains(mentions);
    }

    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }
}
