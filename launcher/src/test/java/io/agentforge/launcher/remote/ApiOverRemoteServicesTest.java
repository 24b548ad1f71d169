package io.agentforge.launcher.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.api.ApiService;
import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.api.ApiServiceConfig;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Distributed mode: the API reaches the real Training and Model services only over HTTP, through the platform's
 * resilient clients, each service on its own port. When the Model service goes away, the routes that need it answer
 * 503 with Retry-After naming it, and the phase routes keep working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiOverRemoteServicesTest {
    @TempDir
    static Path dir;
    private Database database;
    private InProcessEventBus bus;
    private ModelRegistry registry;
    private TrainingJobs training;
    private ServiceServer modelServer;
    private ServiceServer trainingServer;
    private ApiService api;
    private ApiClient client;

    @BeforeAll
    void start() {
        database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA, ModelServer.SCHEMA);
        bus = new InProcessEventBus();
        var modelConfig = new ModelServiceConfig(0, dir.resolve("models"), 50_000_000);
        registry = ModelServer.registry(modelConfig, database, bus);
        modelServer = ModelServer.create(modelConfig, registry).start();
        var remoteModels = new RemoteModelService(client("models", modelServer));
        // Training hands its models to the Model service over HTTP too, as a separate process would.
        training = TrainingJobs.start(database, bus, remoteModels, SchedulerSettings.defaults(1, dir));
        trainingServer = TrainingServer.create(new TrainingServiceConfig(0, 1, Optional.empty()), dir,
                List.of(HealthCheck.of("database", database::check)), training).start();
        api = new ApiService(new ApiServiceConfig(0, List.of()),
                new RemoteTrainingService(client("training", trainingServer)), remoteModels, bus, List.of(),
                List.of()).start();
        client = new ApiClient(api.port());
    }

    private static ServiceClient client(String name, ServiceServer server) {
        return new ServiceClient(name, URI.create("http://localhost:" + server.port()),
                new ServiceClient.Settings(Duration.ofSeconds(30), 2, Duration.ofMillis(50), Duration.ofSeconds(5),
                        50f, 10));
    }

    @AfterAll
    void stop() {
        api.close();
        trainingServer.close();
        training.close();
        modelServer.close();
        registry.close();
        bus.close();
        database.close();
    }

    @Test
    void trainsListsDownloadsOverHttpAndSurvivesTheModelServiceGoingAway() throws Exception {
        var events = new CopyOnWriteArrayList<Event>();
        bus.subscribe("training_*", envelope -> events.add(envelope.event()));
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var started = client.raw(client.request("/phases/cognate/start").header("Content-Type", "application/json")
                .header(Trace.HEADER, "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"parameters\":{\"model_preset\":\"tiny\",\"max_steps\":2,"
                        + "\"batch_size\":4,\"max_train_samples\":100,\"max_eval_samples\":10}}")));
        assertThat(started.statusCode()).isEqualTo(202);
        var jobId = Json.mapper().readTree(started.body()).get("data").get("job_id").asText();

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() ->
                client.get("/jobs/" + jobId).data().get("status").asText().equals("completed"));
        var listing = client.get("/models?phase=cognate");
        assertThat(listing.data().get("total").asInt()).isEqualTo(4);
        var model = listing.data().get("items").get(0);
        var download = client.raw(client.request("/models/" + model.get("model_id").asText() + "/download").GET());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body())))
                .isEqualTo(model.get("checksum").asText());
        var history = client.get("/jobs/" + jobId + "/metrics").data();
        assertThat(history.size()).isPositive();
        // The bucketed history and the lineage come over HTTP too (the Training and Model services' own routes).
        var buckets = client.get("/jobs/" + jobId + "/metrics?buckets=2&metric=loss").data();
        assertThat(buckets.get("total_points").asInt()).isEqualTo(history.size());
        assertThat(buckets.get("steps").size()).isEqualTo(Math.min(2, history.size()));
        assertThat(buckets.at("/series/loss/last/" + (buckets.get("steps").size() - 1)).asDouble())
                .isEqualTo(history.get(history.size() - 1).at("/metrics/loss").asDouble());
        var lineages = new java.util.ArrayList<JsonNode>();
        listing.data().get("items").forEach(item -> lineages.add(
                client.get("/models/" + item.get("model_id").asText() + "/lineage").data()));
        // Cognate's three models were trained from its ancestor: three parent links in all.
        assertThat(lineages.stream().mapToInt(lineage -> lineage.get("parent_model_ids").size()).sum()).isEqualTo(3);
        // The API called the Training service over HTTP: the job's events, published later by its scheduler, are in
        // the trace of the request that started the phase.
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> jobId.equals(e.data().get("job_id")) && e.eventType().equals("training_completed")));
        var ofJob = events.stream().filter(e -> jobId.equals(e.data().get("job_id"))).toList();
        assertThat(ofJob).extracting(Event::eventType).contains("training_started", "training_progress");
        assertThat(ofJob).allSatisfy(e -> assertThat(TraceContext.parse(e.traceparent()))
                .map(TraceContext::traceId).contains(traceId));

        modelServer.close();

        // A listing not asked for before: the read cache may serve a listing it computed in the last second.
        var models = client.get("/models?limit=7");
        assertThat(models.status()).isEqualTo(503);
        assertThat(models.header("Retry-After")).isEqualTo("5");
        assertThat(models.data().get("dependency").asText()).isEqualTo("models");
        assertThat(client.get("/phases/cognate/status").data().get("status").asText()).isEqualTo("completed");
        assertThat(client.get("/jobs").status()).isEqualTo(200);
        var health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("checks").get("models").get("status").asText()).isEqualTo("degraded");
    }
}
