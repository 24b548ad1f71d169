package io.agentforge.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.api.ApiResponse;
import io.agentforge.contracts.api.ChatRequest;
import io.agentforge.contracts.api.PhaseStartRequest;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.contracts.monitoring.SystemMetrics;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.contracts.websocket.ConnectionInfo;
import io.agentforge.contracts.websocket.WebSocketMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each record of SPEC section 3, read from a JSON literal in the exact wire spelling and written back: the result
 * must be the same JSON tree, so a renamed field or a changed spelling fails here.
 */
class WireFormatTest {

    private static void assertRoundTrip(String json, Class<?> type) throws Exception {
        var mapper = Json.mapper();
        JsonNode expected = mapper.readTree(json);
        Object value = mapper.treeToValue(expected, type);
        // Re-parse the written text, so that numbers compare by value (an int and a long of 1024 are the same JSON).
        JsonNode actual = mapper.readTree(mapper.writeValueAsString(value));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void trainingJobKeepsSnakeCaseNamesAndHyphenatedPhase() throws Exception {
        assertRoundTrip("""
                {"job_id":"6f1c0e0a-3b9e-4a51-9f5e-0d4d5c1e2a10","phase":"forge-training",
                 "config":{"max_steps":100,"batch_size":8,"learning_rate":2.0E-4,"output_dir":"out",
                           "max_train_samples":5000,"max_eval_samples":null,"use_grokfast":true},
                 "parameters":{"model_preset":"tiny"},"status":"running",
                 "created_at":"2026-11-26T17:00:00Z","started_at":"2026-11-26T17:00:01.500Z","completed_at":null,
                 "progress":0.25,"current_step":25,"message":"step 25/100","error_message":null,
                 "stats":null,"started_event_id":"3d5a0f2e-1c1b-4f7e-9a8d-6b2c0e9f1a22"}
                """, TrainingJob.class);
    }

    @Test
    void trainingProgressAndEventRoundTrip() throws Exception {
        assertRoundTrip("""
                {"job_id":"j1","progress":0.5,"current_step":50,"total_steps":100,"message":"m",
                 "metrics":{"loss":2.5,"lr":1.0E-4,"tokens_per_sec":1234.5,"eta_seconds":12.0},
                 "timestamp":"2026-11-26T17:00:00Z"}
                """, TrainingProgress.class);
        assertRoundTrip("""
                {"event_id":"e1","event_type":"training_progress","source_service":"training",
                 "timestamp":"2026-11-26T17:00:00Z","data":{"job_id":"j1","progress":0.5}}
                """, Event.class);
        assertRoundTrip("""
                {"event_id":"e1","event_type":"training_progress","source_service":"training",
                 "timestamp":"2026-11-26T17:00:00Z","data":{"job_id":"j1"},
                 "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
                """, Event.class);
    }

    @Test
    void eventWithoutTraceOmitsTheField() {
        var event = Event.of("training_started", "training", Map.of());

        assertThat(Json.write(event)).doesNotContain("traceparent");
        assertThat(Json.write(event.withTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")))
                .contains("\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"");
    }

    @Test
    void modelRecordsRoundTripWithIsWinner() throws Exception {
        assertRoundTrip("""
                {"model_id":"m1","name":"cognate-a","phase":"cognate","version":2,"file_path":"cognate/m1/model.zip",
                 "file_size":1024,"checksum":"ab12","created_at":"2026-11-26T17:00:00Z","training_job_id":"j1",
                 "parameters":{"seed":42},"metrics":{"eval_loss":2.1},"is_winner":true,"tags":["a","b"]}
                """, ModelMetadata.class);
        assertRoundTrip("""
                {"handoff_id":"h1","from_phase":"cognate","to_phase":"evomerge","model_id":"m1",
                 "created_at":"2026-11-26T17:00:00Z","status":"pending","reason":null}
                """, ModelHandoff.class);
        assertRoundTrip("""
                {"model_ids":["m1"],"export_format":"djl","include_metadata":false,"compression":false}
                """, ModelExportRequest.class);
        assertRoundTrip("""
                {"export_id":"x1","created_at":"2026-11-26T17:00:00Z","format":"pytorch",
                 "models":[{"model_id":"m1","name":"cognate-a","export_path":"cognate-a-v2"}],"total_models":1}
                """, io.agentforge.contracts.models.ExportManifest.class);
    }

    @Test
    void websocketAndApiRecordsRoundTrip() throws Exception {
        assertRoundTrip("""
                {"type":"phase_update","timestamp":"2026-11-26T17:00:00Z","data":{"phase_name":"cognate"},
                 "source_service":"websocket"}
                """, WebSocketMessage.class);
        assertRoundTrip("""
                {"connection_id":"c1","connected_at":"2026-11-26T17:00:00Z","client_ip":"127.0.0.1",
                 "user_agent":null,"subscriptions":["training_updates"]}
                """, ConnectionInfo.class);
        assertRoundTrip("""
                {"success":false,"data":null,"message":null,"error":"job x not found","timestamp":"2026-11-26T17:00:00Z"}
                """, ApiResponse.class);
        assertRoundTrip("""
                {"model_id":"m1","message":"hi","context":{"k":"v"}}
                """, ChatRequest.class);
    }

    @Test
    void monitoringRecordsRoundTrip() throws Exception {
        assertRoundTrip("""
                {"cpu_usage":0.5,"memory_usage":0.25,"disk_usage":0.75,
                 "network_io":{"bytes_sent":1,"bytes_recv":2,"packets_sent":3,"packets_recv":4},
                 "timestamp":"2026-11-26T17:00:00Z"}
                """, SystemMetrics.class);
        assertRoundTrip("""
                {"service_name":"training","status":"degraded","response_time":12.5,
                 "last_check":"2026-11-26T17:00:00Z","error_rate":0.1,"uptime_percentage":99.5}
                """, ServiceHealth.class);
        assertRoundTrip("""
                {"alert_id":"a1","severity":"critical","service":"api","message":"down",
                 "timestamp":"2026-11-26T17:00:00Z","resolved":false,"metadata":{"rule":"service_down"}}
                """, Alert.class);
    }

    @Test
    void absentOptionalFieldsTakeTheDocumentedDefaults() {
        var start = Json.read("{}", PhaseStartRequest.class);
        assertThat(start.phaseName()).isNull();
        assertThat(start.parameters()).isEmpty();
        assertThat(start.realTraining()).isTrue();

        var export = Json.read("{\"model_ids\":[\"m1\"]}", ModelExportRequest.class);
        assertThat(export.exportFormat()).isEqualTo("pytorch");
        assertThat(export.includeMetadata()).isTrue();
        assertThat(export.compression()).isTrue();

        var config = Json.read("{\"max_steps\":10,\"batch_size\":2,\"learning_rate\":0.001}", TrainingConfig.class);
        assertThat(config.useGrokfast()).isTrue();
    }

    @Test
    void phaseAcceptsUnderscoreAliasButWritesHyphens() {
        assertThat(Json.read("\"forge_training\"", ModelPhase.class)).isEqualTo(ModelPhase.FORGE_TRAINING);
        assertThat(Json.read("\"Final_Compression\"", ModelPhase.class)).isEqualTo(ModelPhase.FINAL_COMPRESSION);
        assertThat(Json.write(ModelPhase.TOOL_PERSONA)).isEqualTo("\"tool-persona\"");
        assertThat(ModelPhase.QUIETSTAR.displayName()).isEqualTo("Quiet-STaR");
        assertThat(ModelPhase.COGNATE.next()).isEqualTo(ModelPhase.EVOMERGE);
        assertThat(ModelPhase.COGNATE.previous()).isNull();
    }

    @Test
    void enumsUseTheSpecSpellings() {
        assertThat(Json.write(TaskStatus.CANCELLED)).isEqualTo("\"cancelled\"");
        assertThat(Json.write(ServiceStatus.MAINTENANCE)).isEqualTo("\"maintenance\"");
        assertThat(Json.write(Severity.WARNING)).isEqualTo("\"warning\"");
        assertThat(ServiceStatus.HEALTHY.worse(ServiceStatus.UNHEALTHY)).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(TaskStatus.COMPLETED.isFinal()).isTrue();
        assertThat(TaskStatus.RUNNING.isFinal()).isFalse();
    }

    @Test
    void timestampsAreIsoUtc() {
        var event = new Event("e", "t", "s", Instant.parse("2026-11-26T17:00:00Z"), null);
        assertThat(Json.write(event)).contains("\"timestamp\":\"2026-11-26T17:00:00Z\"");
    }
}
