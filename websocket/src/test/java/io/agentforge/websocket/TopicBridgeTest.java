package io.agentforge.websocket;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bus events reach the topics of the SPEC section 5 table, in the shapes clients read. */
class TopicBridgeTest {
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
    void eachEventTypeReachesItsTopicWithItsEventId() {
        var routes = Map.of(
                EventTypes.TRAINING_STARTED, "training_updates",
                EventTypes.TRAINING_COMPLETED, "training_updates",
                EventTypes.MODEL_SAVED, "model_updates",
                EventTypes.MODEL_HANDOFF_CREATED, "model_updates",
                EventTypes.ALERT_CREATED, "admin_alerts",
                EventTypes.ALERT_RESOLVED, "admin_alerts",
                EventTypes.SERVICE_HEALTH_CHANGED, "admin_alerts",
                EventTypes.PIPELINE_UPDATE, "pipeline",
                EventTypes.PIPELINE_COMPLETE, "pipeline");
        routes.forEach((type, topic) -> {
            try (var client = server.connect().subscribe(topic)) {
                var event = Event.of(type, "test", Map.of("marker", type));
                server.bus.publish(event);

                var message = client.next(type);
                assertThat(message.path("topic").asText()).isEqualTo(topic);
                assertThat(message.path("event_id").asText()).isEqualTo(event.eventId());
                assertThat(message.path("data").path("marker").asText()).isEqualTo(type);
                assertThat(message.path("source_service").asText()).isEqualTo("test");
            }
        });
    }

    @Test
    void aCancelledOrPausedJobReachesTrainingUpdatesAndEndsItsPhaseUpdate() {
        try (var client = server.connect().subscribe("agent_forge_phases").subscribe("training_updates")) {
            server.bus.publish(Event.of(EventTypes.TRAINING_CANCELLED, "training", Map.of("job_id", "j-cancel",
                    "phase", "quietstar", "status", "cancelled", "progress", 0.4, "message", "cancelled")));
            server.bus.publish(Event.of(EventTypes.TRAINING_PAUSED, "training", Map.of("job_id", "j-pause",
                    "phase", "adas", "status", "pending", "progress", 0.2, "message", "paused at step 4")));

            // In publication order, each event first on training_updates, then as its phase_update.
            assertThat(client.next(EventTypes.TRAINING_CANCELLED).path("topic").asText()).isEqualTo("training_updates");
            var cancelled = client.next("phase_update");
            assertThat(cancelled.path("phase_name").asText()).isEqualTo("quietstar");
            assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
            assertThat(client.next(EventTypes.TRAINING_PAUSED).path("data").path("job_id").asText()).isEqualTo("j-pause");
            var paused = client.next("phase_update");
            assertThat(paused.path("phase_name").asText()).isEqualTo("adas");
            assertThat(paused.path("status").asText()).isEqualTo("paused");
        }
    }

    @Test
    void forwardedEventCarriesThePublishersTrace() {
        var publisher = TraceContext.start();
        try (var client = server.connect().subscribe("training_updates")) {
            try (var ignored = Trace.open(publisher)) {
                server.bus.publish(Event.of(EventTypes.TRAINING_STARTED, "training", Map.of("job_id", "j-trace")));
            }

            var message = client.next(EventTypes.TRAINING_STARTED);
            var carried = TraceContext.parse(message.path("traceparent").asText()).orElseThrow();
            assertThat(carried.traceId()).isEqualTo(publisher.traceId());
        }
    }

    @Test
    void trainingEventsBecomeFlatPhaseUpdates() {
        try (var client = server.connect().subscribe("agent_forge_phases")) {
            server.bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training", Map.of("job_id", "j-phase",
                    "phase", "forge_training", "progress", 0.5, "message", "step 50 of 100")));
            server.bus.publish(Event.of(EventTypes.TRAINING_COMPLETED, "training",
                    Map.of("job_id", "j-phase", "phase", "forge-training")));
            server.bus.publish(Event.of(EventTypes.TRAINING_FAILED, "training",
                    Map.of("job_id", "j-other", "phase", "bitnet", "error_message", "out of memory")));

            var running = client.next("phase_update");
            assertThat(running.path("phase_name").asText()).isEqualTo("forge-training");
            assertThat(running.path("status").asText()).isEqualTo("running");
            assertThat(running.path("progress").asDouble()).isEqualTo(0.5);
            assertThat(running.path("message").asText()).isEqualTo("step 50 of 100");
            assertThat(running.path("data").path("phase_name").asText()).isEqualTo("forge-training");

            var completed = client.next("phase_update");
            assertThat(completed.path("status").asText()).isEqualTo("completed");
            assertThat(completed.path("progress").asDouble()).isEqualTo(1.0);

            var failed = client.next("phase_update");
            assertThat(failed.path("phase_name").asText()).isEqualTo("bitnet");
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("message").asText()).contains("out of memory");
        }
    }

    @Test
    void systemMetricsArriveUnderMetrics() {
        try (var client = server.connect().subscribe("system_metrics")) {
            server.bus.publish(Event.of(EventTypes.SYSTEM_METRICS, "monitoring", Map.of("cpu_usage", 0.42)));

            var message = client.next(EventTypes.SYSTEM_METRICS);
            assertThat(message.path("metrics").path("cpu_usage").asDouble()).isEqualTo(0.42);
        }
    }

    @Test
    void aJobTopicCarriesEverythingAboutThatJobAndNothingElse() {
        try (var client = server.connect().subscribe("jobs/job-a")) {
            server.bus.publish(Event.of(EventTypes.TRAINING_STARTED, "training", Map.of("job_id", "job-b")));
            server.bus.publish(Event.of(EventTypes.TRAINING_STARTED, "training", Map.of("job_id", "job-a")));
            server.bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training", Map.of("job_id", "job-a")));
            server.bus.publish(Event.of(EventTypes.MODEL_SAVED, "models",
                    Map.of("model_id", "m-a", "training_job_id", "job-a")));

            assertThat(client.next().path("type").asText()).isEqualTo(EventTypes.TRAINING_STARTED);
            assertThat(client.next().path("type").asText()).isEqualTo(EventTypes.TRAINING_PROGRESS);
            var saved = client.next();
            assertThat(saved.path("type").asText()).isEqualTo(EventTypes.MODEL_SAVED);
            assertThat(saved.path("topic").asText()).isEqualTo("jobs/job-a");
        }
    }
}
