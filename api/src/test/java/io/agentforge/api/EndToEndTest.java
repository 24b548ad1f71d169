package io.agentforge.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole way, as the all-in-one start wires it: the API over the real Training service (its scheduler, its
 * pipeline driver and real worker JVMs) and the real Model service, one H2 file, the in-process bus. The pipeline
 * runs on {@code tiny} with small step counts through every phase the Training service implements, each handing its
 * winner to the next; it either completes all eight, or stops at the first phase without a runner and says so (a
 * 501 reported by the run, not a hang and not a skip). The report must carry exactly the numbers the phases wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    /** Common parameters: tiny models, two steps per model, small samples. */
    static final String TINY = "{\"model_preset\":\"tiny\",\"max_steps\":2,\"batch_size\":4,"
            + "\"max_train_samples\":100,\"max_eval_samples\":10}";
    /** Per-phase overrides that keep each phase's search small. */
    static final String OVERRIDES = "{\"evomerge\":{\"generations\":2,\"population\":4},"
            + "\"quietstar\":{\"reinforce_steps\":3,\"reinforce_batch\":3,\"thoughts_per_question\":2,"
            + "\"max_thought_tokens\":24},"
            + "\"adas\":{\"generations\":2,\"population\":3,\"candidate_steps\":6,\"parameter_cap\":120000,"
            + "\"latency_runs\":5}}";

    @TempDir
    static Path dir;
    private Database database;
    private InProcessEventBus bus;
    private ModelRegistry models;
    private TrainingJobs training;
    private ApiService api;
    private ApiClient client;
    private final List<EventEnvelope> pipelineEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() {
        database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA, ModelServer.SCHEMA);
        bus = new InProcessEventBus();
        bus.subscribe("pipeline_*", pipelineEvents::add);
        models = ModelServer.registry(new ModelServiceConfig(0, dir.resolve("models"), 50_000_000), database, bus);
        training = TrainingJobs.start(database, bus, models, SchedulerSettings.defaults(1, dir));
        api = new ApiService(new ApiServiceConfig(0, List.of()), training, models, bus, List.of(), List.of()).start();
        client = new ApiClient(api.port());
    }

    @AfterAll
    void stop() {
        api.close();
        training.close();
        models.close();
        bus.close();
        database.close();
    }

    @Test
    void aBadPhaseOrParameterIsRefusedBeforeAnythingRuns() {
        var phase = client.post("/pipeline/run", "{\"phases\":{\"evomarge\":{}}}");
        var parameter = client.post("/pipeline/run", "{\"phases\":{\"bitnet\":{\"ramp_shares\":0.5}}}");

        assertThat(phase.status()).isEqualTo(400);
        assertThat(phase.data().get("field").asText()).isEqualTo("phases.evomarge");
        assertThat(parameter.status()).isEqualTo(400);
        assertThat(parameter.data().get("field").asText()).isEqualTo("phases.bitnet.ramp_shares");
    }

    @Test
    void pipelineRunsEveryImplementedPhaseHandsEachWinnerOnAndReportsThePhasesOwnNumbers() {
        var started = client.post("/pipeline/run", "{\"parameters\":" + TINY + ",\"phases\":" + OVERRIDES + "}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);

        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() ->
                !client.get("/pipeline/status").data().get("status").asText().equals("running"));

        // The chain runs as far as the Training service implements it, without a gap.
        var chain = new ArrayList<ModelPhase>();
        for (var phase : ModelPhase.values()) {
            if (!training.implementedPhases().contains(phase)) {
                break;
            }
            chain.add(phase);
        }
        var status = client.get("/pipeline/status").data();
        var report = client.get("/pipeline/report").data();
        assertThat(status.get("phases_completed").asInt()).as(status.toString()).isEqualTo(chain.size());
        if (chain.size() == ModelPhase.values().length) {
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("completed");
            assertThat(status.get("progress").asDouble()).isEqualTo(1.0);
            var last = report.get("phases").get(chain.size() - 1);
            assertThat(report.get("final_model_id").asText()).isEqualTo(last.get("winner_model_id").asText());
        } else {
            // The first phase without a runner stops the run, which says why: the Training service's 501.
            var refused = ModelPhase.values()[chain.size()];
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("failed");
            assertThat(status.get("current_phase").asText()).isEqualTo(refused.wireName());
            assertThat(status.get("message").asText())
                    .contains(refused.displayName() + " refused: phase " + refused.wireName() + " is not implemented");
            var step = report.get("phases").get(chain.size());
            assertThat(step.get("status").asText()).isEqualTo("refused");
            assertThat(step.get("job_id").isNull()).isTrue();
            assertThat(report.get("final_model_id").isNull()).isTrue();
        }

        for (int i = 0; i < chain.size(); i++) {
            var phase = chain.get(i);
            var row = report.get("phases").get(i);
            assertThat(row.get("phase").asText()).isEqualTo(phase.wireName());
            assertThat(row.get("status").asText()).as(phase.wireName()).isEqualTo("completed");
            var stats = client.get("/jobs/" + row.get("job_id").asText()).data().get("stats");
            assertThat(stats.get("phase").asText()).isEqualTo(phase.wireName());
            // Every number of the report is the phase's own.
            assertThat(row.get("wall_time_seconds")).isEqualTo(stats.get("wall_time_seconds"));
            assertThat(row.get("proof").size()).as(phase + " proof numbers").isPositive();
            row.get("proof").fields().forEachRemaining(entry -> {
                if (!entry.getKey().equals("models")) {
                    assertThat(entry.getValue()).as(phase + " " + entry.getKey()).isEqualTo(stats.get(entry.getKey()));
                }
            });
            if (phase == ModelPhase.COGNATE) {
                assertCognateModels(row.get("proof").get("models"), stats.get("models"));
                continue;
            }
            // Every handoff that fed the phase completed: Cognate's three models and their ancestor, then a winner.
            var fed = row.get("handoffs");
            assertThat(fed.size()).as(phase + " handoffs " + fed).isEqualTo(1);
            assertThat(fed.get(ModelHandoff.COMPLETED).asInt()).isEqualTo(phase == ModelPhase.EVOMERGE ? 4 : 1);
            var winner = row.get("winner_model_id").asText();
            assertThat(stats.get("winner_model_id").asText()).isEqualTo(winner);
            assertThat(row.get("winner_bytes").asLong())
                    .isEqualTo(client.get("/models/" + winner).data().get("file_size").asLong()).isPositive();
            if (phase.next() != null) {
                // The last phase's winner is the forged model itself: there is no next phase to hand it to.
                assertThat(models.handoffs(phase, phase.next())).as("what %s handed on", phase).isNotEmpty();
            }
        }

        // The lineage: the ancestor, Cognate's three models, then each phase's winner with the models it took.
        var lineage = report.get("lineage");
        assertThat(lineage.size()).isEqualTo(4 + chain.size() - 1);
        assertThat(lineage.get(0).get("role").asText()).isEqualTo("ancestor");
        for (int i = 1; i <= 3; i++) {
            assertThat(lineage.get(i).get("role").asText()).isEqualTo("cognate");
            assertThat(lineage.get(i).get("parents").get(0)).isEqualTo(lineage.get(0).get("model_id"));
        }
        for (int i = 1; i < chain.size(); i++) {
            var node = lineage.get(3 + i);
            var stats = client.get("/jobs/" + report.get("phases").get(i).get("job_id").asText()).data().get("stats");
            var inputs = new ArrayList<String>();
            stats.get("input_models").forEach(input -> inputs.add(input.get("model_id").asText()));
            assertThat(node.get("model_id").asText()).isEqualTo(report.get("phases").get(i).get("winner_model_id").asText());
            assertThat(node.get("parents")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(inputs);
            assertThat(node.get("file_size").asLong()).isPositive();
        }
        assertThat(pipelineEvents).extracting(e -> e.event().eventType())
                .contains(EventTypes.PIPELINE_UPDATE, EventTypes.PIPELINE_COMPLETE);
        assertThat(pipelineEvents.getLast().event().data()).containsKeys("run_id", "current_phase",
                "pipeline_progress", "message", "status");

        // And a trained model answers a chat with text it generated.
        var modelId = lineage.get(1).get("model_id").asText();
        var chat = client.post("/chat", "{\"model_id\":\"" + modelId + "\",\"message\":\"What is 2+3?\","
                + "\"context\":{\"max_tokens\":8,\"temperature\":0}}");
        assertThat(chat.status()).isEqualTo(200);
        assertThat(chat.data().get("response").asText()).isNotBlank();
    }

    private static void assertCognateModels(JsonNode shown, JsonNode trained) {
        assertThat(shown.size()).isEqualTo(3).isEqualTo(trained.size());
        for (int i = 0; i < shown.size(); i++) {
            for (var key : List.of("model_id", "test_loss", "test_exact_match", "select_loss")) {
                assertThat(shown.get(i).get(key)).as(key).isNotNull().isEqualTo(trained.get(i).get(key));
            }
        }
    }
}
