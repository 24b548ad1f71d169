package io.agentforge.launcher;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.launcher.bus.RedisStreamSettings;
import io.agentforge.launcher.bus.RedisStreamsEventBus;
import io.agentforge.platform.testing.RedisServerFixture;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis away is not a reason to be restarted (issue 18): every service starts while it is down, answers
 * {@code /health} with 200 and {@code degraded} (not 503 and unhealthy, which would make Kubernetes restart them all),
 * and what they publish meanwhile reaches other processes once Redis is back.
 */
class RedisOutageWiringTest {
    @TempDir
    Path data;

    @Test
    void servicesStartWhileRedisIsDownReportDegradedAndDeliverTheirEventsWhenItReturns() {
        try (var redis = new RedisServerFixture().start()) {
            redis.stop();
            var env = new HashMap<>(Map.of(
                    "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                    "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0",
                    "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString(),
                    "REDIS_URL", redis.url()));
            try (var wiring = Wiring.start(AgentForgeConfig.fromEnvironment(env), Wiring.allServices())) {
                for (var entry : wiring.servers().entrySet()) {
                    var health = WebTestClient.of(entry.getValue()).get("/health");
                    assertThat(health.status()).as(entry.getKey() + " /health: " + health.body()).isEqualTo(200);
                    assertThat(health.json().get("status").asText()).as(entry.getKey() + " status")
                            .isEqualTo("degraded");
                }
                var during = Event.of(EventTypes.ALERT_CREATED, "monitoring", Map.of("note", "during the outage"));
                wiring.bus().publish(during);

                var received = new CopyOnWriteArrayList<String>();
                // Another process, itself started during the outage.
                try (var elsewhere = new RedisStreamsEventBus(RedisStreamSettings.of(redis.url(), "reader@test"))) {
                    elsewhere.subscribe("alert_*", envelope -> received.add(envelope.event().eventId()));

                    redis.start();

                    await().atMost(Duration.ofSeconds(30)).until(() -> received.contains(during.eventId()));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> WebTestClient.of(
                        wiring.servers().values().iterator().next()).get("/health").json().get("status").asText()
                        .equals("healthy"));
            }
        }
    }
}
