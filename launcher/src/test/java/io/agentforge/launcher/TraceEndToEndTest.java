package io.agentforge.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One job's path followed by one trace id: a request to the API with a {@code traceparent}, the job it queues in the
 * Training service, the job's events on the bus, and the messages a WebSocket client receives about it.
 */
class TraceEndToEndTest {
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    @TempDir
    Path data;

    @Test
    void aPhaseStartedWithATraceparentReachesWebSocketClientsInThatTrace() throws Exception {
        var config = AgentForgeConfig.fromEnvironment(Map.of(
                "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString()));
        try (var wiring = Wiring.start(config, Wiring.allServices()); var http = HttpClient.newHttpClient()) {
            var messages = new CopyOnWriteArrayList<String>();
            var socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:"
                    + wiring.servers().get(ServiceName.WEBSOCKET).port() + "/ws"), WholeMessages.into(messages::add)).join();
            socket.sendText("{\"type\":\"subscribe\",\"topic\":\"training_updates\"}", true).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> messages.stream()
                    .anyMatch(m -> m.contains("subscription_confirmed")));

            var started = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + wiring.servers().get(ServiceName.API).port() + "/phases/cognate/start"))
                    .header("Content-Type", "application/json")
                    .header(Trace.HEADER, "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"parameters\":{\"model_preset\":\"tiny\","
                            + "\"max_steps\":200,\"batch_size\":4,\"max_train_samples\":100,\"max_eval_samples\":10}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            assertThat(TraceContext.parse(started.headers().firstValue(Trace.HEADER).orElseThrow()))
                    .map(TraceContext::traceId).contains(TRACE_ID);
            var jobId = Json.mapper().readTree(started.body()).path("data").path("job_id").asText();

            await().atMost(Duration.ofMinutes(3)).until(() -> ofJob(messages, jobId, "training_progress").size() > 0);
            var forwarded = ofJob(messages, jobId, "training_started");
            forwarded.addAll(ofJob(messages, jobId, "training_progress"));
            assertThat(forwarded).isNotEmpty().allSatisfy(message -> assertThat(TraceContext.parse(
                    message.path("traceparent").asText())).map(TraceContext::traceId).contains(TRACE_ID));
            socket.abort();
        }
    }

    private static List<JsonNode> ofJob(List<String> messages, String jobId, String type) {
        return new ArrayList<>(messages.stream().map(TraceEndToEndTest::json)
                .filter(m -> m.path("type").asText().equals(type))
                .filter(m -> m.path("data").path("job_id").asText().equals(jobId)).toList());
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
