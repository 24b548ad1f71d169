package io.agentforge.websocket;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that reconnects with the last event id it saw gets what it missed, then live messages, each once. */
public class ResumeTest {

    @Test
    void resumeSinceAnEventIdReplaysTheMissedThenLiveWithoutGapOrDuplicate() throws Exception {
        try (var server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus())) {
            resumesWithoutGapOrDuplicate(server);
        }
    }

    @Test
    void anUnknownEventIdIsReportedAndLiveMessagesFollow() {
        try (var server = LiveServer.start(WebSocketSettings.defaults(), new InProcessEventBus());
             var client = server.connect()) {
            client.send(Map.of("type", "subscribe", "topic", "pipeline", "since", "no-such-event"));
            client.next("subscription_confirmed");
            assertThat(client.next("error").path("code").asText()).isEqualTo("resume_unavailable");

            server.bus.publish(Event.of(EventTypes.PIPELINE_UPDATE, "api", Map.of("current_phase", "adas")));
            assertThat(client.next(EventTypes.PIPELINE_UPDATE).path("current_phase").asText()).isEqualTo("adas");
        }
    }

    /** Shared with the Redis variant: the same behaviour must hold over either bus. */
    public static void resumesWithoutGapOrDuplicate(LiveServer server) throws Exception {
        var bus = server.bus;
        String lastSeen = null;
        try (var first = server.connect().subscribe("training_updates")) {
            for (int step = 1; step <= 3; step++) {
                publish(bus, step);
            }
            for (int step = 1; step <= 3; step++) {
                var message = first.next(EventTypes.TRAINING_PROGRESS);
                assertThat(message.path("data").path("step").asInt()).isEqualTo(step);
                lastSeen = message.path("event_id").asText();
            }
        }
        // Unrelated traffic in the log between the events the client cares about.
        bus.publish(Event.of(EventTypes.ALERT_CREATED, "monitoring", Map.of()));
        for (int step = 4; step <= 50; step++) {
            publish(bus, step);
        }
        var lastStep = 400;
        try (var second = server.connect()) {
            // Events keep coming while the replay runs: the overlap between replay and live is where gaps and
            // duplicates would appear.
            var publisher = Thread.ofVirtual().start(() -> {
                for (int step = 51; step <= lastStep; step++) {
                    publish(bus, step);
                    if (step % 10 == 0) {
                        sleep();
                    }
                }
            });
            second.send(Map.of("type", "subscribe", "topic", "training_updates", "since", lastSeen));
            second.next("subscription_confirmed");
            var steps = new ArrayList<Integer>();
            while (steps.isEmpty() || steps.getLast() < lastStep) {
                steps.add(second.next(EventTypes.TRAINING_PROGRESS).path("data").path("step").asInt());
            }
            publisher.join();

            var expected = new ArrayList<Integer>();
            for (int step = 4; step <= lastStep; step++) {
                expected.add(step);
            }
            assertThat(steps).containsExactlyElementsOf(expected);
        }
    }

    private static void publish(EventBus bus, int step) {
        bus.publish(Event.of(EventTypes.TRAINING_PROGRESS, "training", Map.of("job_id", "j-resume", "step", step)));
    }

    private static void sleep() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
