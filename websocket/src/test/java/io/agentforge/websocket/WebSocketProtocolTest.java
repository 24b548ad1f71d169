package io.agentforge.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The messages of SPEC section 5, spoken by a real client to a real server. */
class WebSocketProtocolTest {
    private static LiveServer server;

    @BeforeAll
    static void start() {
        server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void greetsEveryNewConnectionWithItsIdAndTheServerTime() {
        try (var client = server.connect()) {
            var hello = client.next();

            assertThat(hello.path("type").asText()).isEqualTo("connection_established");
            var id = hello.path("data").path("connection_id").asText();
            assertThat(id).isNotBlank().isEqualTo(hello.path("connection_id").asText());
            assertThat(Instant.parse(hello.path("data").path("server_time").asText()))
                    .isBetween(Instant.now().minusSeconds(10), Instant.now().plusSeconds(1));
            assertThat(hello.path("source_service").asText()).isEqualTo("websocket");
            assertThat(server.hub.connections()).anyMatch(info -> info.connectionId().equals(id));
        }
    }

    @Test
    void subscribeWithTheChannelKeyIsConfirmedAndDelivers() {
        try (var client = server.connect()) {
            var id = client.next().path("connection_id").asText();
            client.send(Map.of("type", "subscribe", "channel", "model_updates"));

            var confirmed = client.next("subscription_confirmed");
            assertThat(confirmed.path("data").path("topic").asText()).isEqualTo("model_updates");
            assertThat(confirmed.path("data").path("connection_id").asText()).isEqualTo(id);

            server.bus.publish(Event.of(EventTypes.MODEL_SAVED, "models", Map.of("model_id", "m-1")));
            assertThat(client.next(EventTypes.MODEL_SAVED).path("data").path("model_id").asText()).isEqualTo("m-1");
        }
    }

    @Test
    void unsubscribeStopsDelivery() {
        try (var client = server.connect().subscribe("admin_alerts")) {
            client.send(Map.of("type", "unsubscribe", "topic", "admin_alerts"));
            assertThat(client.next("subscription_confirmed").path("action").asText()).isEqualTo("unsubscribe");

            client.subscribe("pipeline");
            server.bus.publish(Event.of(EventTypes.ALERT_CREATED, "monitoring", Map.of("message", "disk")));
            server.bus.publish(Event.of(EventTypes.PIPELINE_COMPLETE, "api", Map.of()));

            // The bus delivers in publish order, so an alert still subscribed would arrive before the pipeline event.
            assertThat(client.next().path("type").asText()).isEqualTo(EventTypes.PIPELINE_COMPLETE);
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (var client = server.connect()) {
            client.next();
            client.send(Map.of("type", "ping"));
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void trainingStatusListsEveryPhaseAndTheRunningJobs() {
        server.bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training",
                Map.of("job_id", "job-status-1", "phase", "cognate", "progress", 0.25, "message", "step 5 of 20")));
        try (var client = server.connect()) {
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                client.send(Map.of("type", "get_training_status"));
                var status = client.next("training_status").path("data");

                assertThat(status.path("phases").size()).isEqualTo(8);
                assertThat(status.path("phases").path("evomerge").path("status").asText()).isEqualTo("ready");
                assertThat(status.path("phases").path("cognate").path("status").asText()).isEqualTo("running");
                assertThat(status.path("phases").path("cognate").path("progress").asDouble()).isEqualTo(0.25);
                assertThat(status.path("active_training").findValuesAsText("job_id")).contains("job-status-1");
                assertThat(status.path("models").isArray()).isTrue();
            });
        }
    }

    @Test
    void aCancelledJobLeavesTheRunningJobsAndItsPhaseShowsCancelled() {
        server.bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training",
                Map.of("job_id", "job-cancelled-1", "phase", "bitnet", "progress", 0.5, "message", "step 10 of 20")));
        server.bus.publish(Event.of(EventTypes.TRAINING_CANCELLED, "training", Map.of("job_id", "job-cancelled-1",
                "phase", "bitnet", "status", "cancelled", "progress", 0.5, "message", "cancelled")));
        try (var client = server.connect()) {
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                client.send(Map.of("type", "get_training_status"));
                var status = client.next("training_status").path("data");

                assertThat(status.path("phases").path("bitnet").path("status").asText()).isEqualTo("cancelled");
                assertThat(status.path("active_training").findValuesAsText("job_id")).doesNotContain("job-cancelled-1");
            });
        }
    }

    @Test
    void malformedJsonIsAnsweredWithAnErrorAndTheConnectionStaysOpen() {
        try (var client = server.connect()) {
            client.next();
            client.sendText("{\"type\": \"subscribe\", ");

            var error = client.next();
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("data").path("code").asText()).isEqualTo("malformed_json");

            client.send(Map.of("type", "ping"));
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void unknownTypeAndUnknownTopicAreAnsweredWithErrors() {
        try (var client = server.connect()) {
            client.next();
            client.send(Map.of("type", "teleport"));
            var unknownType = client.next();
            assertThat(unknownType.path("code").asText()).isEqualTo("unknown_type");
            assertThat(unknownType.path("message").asText()).contains("subscribe", "get_training_status");

            client.send(Map.of("type", "subscribe", "topic", "trainng_updates"));
            assertThat(client.next().path("code").asText()).isEqualTo("unknown_topic");

            client.sendText("[1, 2]");
            assertThat(client.next().path("type").asText()).isEqualTo("error");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aConnectionCannotHoldUnboundedSubscriptions() {
        try (var client = server.connect()) {
            for (int i = 0; i < WebSocketHub.MAX_SUBSCRIPTIONS; i++) {
                client.subscribe("jobs/many-" + i);
            }
            client.send(Map.of("type", "subscribe", "topic", "jobs/one-too-many"));
            assertThat(client.next().path("code").asText()).isEqualTo("too_many_subscriptions");

            client.send(Map.of("type", "subscribe", "topic", "jobs/many-0"));
            assertThat(client.next().path("type").asText()).isEqualTo("subscription_confirmed");
        }
    }

    @Test
    void anOversizeFrameClosesTheConnectionWith1009() throws Exception {
        try (var client = server.connect()) {
            client.next();
            client.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(WebSocketSettings.defaults().maxMessageBytes())
                    + "\"}");

            assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        try (var next = server.connect()) {
            assertThat(next.next().path("type").asText()).isEqualTo("connection_established");
        }
    }

    @Test
    void aMessageOversizeAcrossFragmentsIsAlsoClosedWith1009() throws Exception {
        var limit = WebSocketSettings.defaults().maxMessageBytes();
        try (var client = server.connect()) {
            client.next();
            // Each frame is within Helidon's per-frame limit; only the whole message is too big.
            client.sendFragments("{\"type\":\"ping\",\"pad\":\"", "x".repeat(limit / 2), "x".repeat(limit / 2), "\"}");

            assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void aFragmentedMessageWithinTheLimitIsHandled() {
        try (var client = server.connect()) {
            client.next();
            client.sendFragments("{\"type\":", "\"ping\"}");
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void statsCountConnectionsMessagesAndTopics() throws Exception {
        try (var first = server.connect().subscribe("pipeline"); var second = server.connect().subscribe("pipeline")) {
            var stats = getStats();
            assertThat(stats.path("active_connections").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(stats.path("total_connections").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(stats.path("topic_count").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("uptime_seconds").asDouble()).isPositive();
            var sentBefore = stats.path("total_messages_sent").asLong();

            server.bus.publish(Event.of(EventTypes.PIPELINE_UPDATE, "api", Map.of("current_phase", "bitnet")));
            first.next(EventTypes.PIPELINE_UPDATE);
            second.next(EventTypes.PIPELINE_UPDATE);

            var after = getStats();
            assertThat(after.path("total_messages_sent").asLong()).isGreaterThanOrEqualTo(sentBefore + 2);
            assertThat(after.path("average_messages_per_connection").asDouble()).isPositive();
        }
    }

    @Test
    void connectionsListsEachClientWithItsSubscriptions() throws Exception {
        try (var client = server.connect()) {
            var id = client.next().path("connection_id").asText();
            client.subscribe("jobs/listed");

            var listed = get("/connections");
            var mine = listed.findParents("connection_id").stream()
                    .filter(info -> info.path("connection_id").asText().equals(id)).findFirst().orElseThrow();
            assertThat(mine.path("subscriptions").get(0).asText()).isEqualTo("jobs/listed");
            assertThat(mine.path("client_ip").asText()).isEqualTo("127.0.0.1");
            assertThat(mine.path("user_agent").asText()).contains("Java-http-client");
        }
    }

    private static JsonNode getStats() throws Exception {
        return get("/stats");
    }

    private static JsonNode get(String path) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(server.http(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            var body = Json.read(response.body(), JsonNode.class);
            assertThat(body.path("success").asBoolean()).isTrue();
            return body.path("data");
        }
    }
}
