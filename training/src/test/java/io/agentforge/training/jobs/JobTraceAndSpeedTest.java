package io.agentforge.training.jobs;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import io.agentforge.platform.web.WebTestClient;
import io.agentforge.training.TrainingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job submitted over HTTP with a {@code traceparent}: its events, published later by the scheduler and the
 * worker's messages, stay in that request's trace; and its real training speed shows on {@code /metrics}.
 */
class JobTraceAndSpeedTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @Test
    void jobEventsCarryTheSubmittingRequestsTraceAndItsSpeedShowsOnMetrics() throws Exception {
        try (var fixture = new JobSystemFixture(dir, null)) {
            var service = fixture.start(1, 1);
            try (var server = TrainingServer.create(new TrainingServiceConfig(0, 1, Optional.empty()), dir,
                    List.of(), service).start()) {
                assertThat(tokensPerSecond(server.port())).isZero();

                var submitted = post(server.port(), "/jobs", Json.write(JobSystemFixture.tinyJob(400, 0)),
                        "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
                assertThat(submitted.statusCode()).isEqualTo(202);
                var jobId = Json.mapper().readTree(submitted.body()).path("data").path("job_id").asText();

                await().atMost(Duration.ofMinutes(3)).until(() -> tokensPerSecond(server.port()) > 0);
                var job = service.job(jobId);
                assertThat(job.status()).isEqualTo(TaskStatus.RUNNING);
                var ofJob = fixture.events.stream().map(EventEnvelope::event)
                        .filter(e -> jobId.equals(e.data().get("job_id"))).toList();
                assertThat(ofJob).extracting(e -> e.eventType())
                        .contains(EventTypes.TRAINING_STARTED, EventTypes.TRAINING_PROGRESS);
                assertThat(ofJob).allSatisfy(e -> assertThat(TraceContext.parse(e.traceparent()))
                        .map(TraceContext::traceId).contains(TRACE_ID));

                service.cancel(jobId);
                await().atMost(Duration.ofMinutes(1)).until(() -> tokensPerSecond(server.port()) == 0);
            }
        }
    }

    private static double tokensPerSecond(int port) {
        var body = WebTestClient.of(port).get("/metrics").body();
        var matcher = Pattern.compile("(?m)^agentforge_training_tokens_per_second\\{[^}]*} (\\S+)$").matcher(body);
        assertThat(matcher.find()).as("tokens/s gauge").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static HttpResponse<String> post(int port, String path, String json, String traceparent) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "application/json").header(Trace.HEADER, traceparent)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
