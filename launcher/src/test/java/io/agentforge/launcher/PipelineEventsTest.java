package io.agentforge.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's progress reaches a browser: a run started through the API publishes {@code pipeline_update} on the
 * bus, and the WebSocket service sends it to a real client subscribed to the {@code pipeline} topic.
 */
class PipelineEventsTest {
    private static final String TINY_RUN = """
            {"parameters": {"model_preset": "tiny", "max_steps": 4, "batch_size": 4, "max_train_samples": 100,
             "max_eval_samples": 10}}""";

    @TempDir
    Path data;

    @Test
    void aPipelineRunStartedThroughTheApiSendsPipelineUpdateToAWebSocketClient() throws Exception {
        var config = AgentForgeConfig.fromEnvironment(Map.of(
                "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0", "MAX_CONCURRENT_JOBS", "1",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString()));
        try (var wiring = Wiring.start(config, Wiring.allServices())) {
            var received = new CopyOnWriteArrayList<JsonNode>();
            var socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + wiring.servers().get(ServiceName.WEBSOCKET).port()
                            + "/ws"), WholeMessages.into(text -> received.add(Json.read(text, JsonNode.class))))
                    .get(30, TimeUnit.SECONDS);
            try {
                socket.sendText(Json.write(Map.of("type", "subscribe", "topic", "pipeline")), true)
                        .get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> received.stream()
                        .anyMatch(m -> m.path("type").asText().equals("subscription_confirmed")));
                var api = WebTestClient.of(wiring.servers().get(ServiceName.API));

                var started = api.post("/pipeline/run", TINY_RUN);
                assertThat(started.status()).as(started.body()).isEqualTo(202);
                var runId = started.json().path("data").path("run_id").asText();

                await().atMost(Duration.ofMinutes(3)).until(() -> received.stream().anyMatch(m ->
                        m.path("type").asText().equals("pipeline_update")
                                && m.path("data").path("run_id").asText().equals(runId)));
                var update = received.stream().filter(m -> m.path("type").asText().equals("pipeline_update"))
                        .findFirst().orElseThrow();
                assertThat(update.path("topic").asText()).isEqualTo("pipeline");
                assertThat(update.path("event_id").asText()).isNotBlank();
                assertThat(update.path("data").path("current_phase").asText()).isEqualTo("cognate");
                assertThat(update.path("data").path("status").asText()).isEqualTo("running");
                assertThat(api.post("/pipeline/stop", "{}").status()).isEqualTo(200);
            } finally {
                socket.abort();
            }
        }
    }
}
