package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventBusTrafficTest {

    @Test
    void everyServicesMetricsCountEventsPublishedAndDelivered() {
        try (var server = ServiceServer.builder("any").build().start(); var bus = new InProcessEventBus(100)) {
            double published = metric(server, "agentforge_bus_events_published_total");
            double delivered = metric(server, "agentforge_bus_events_delivered_total");
            var received = new ReceivedEvents();
            bus.subscribe("training_*", received);

            for (int i = 0; i < 3; i++) {
                bus.publish(EventBusContract.event(EventTypes.TRAINING_PROGRESS));
            }

            await().atMost(EventBusContract.WAIT).until(() -> received.count() == 3);
            assertThat(metric(server, "agentforge_bus_events_published_total")).isGreaterThanOrEqualTo(published + 3);
            assertThat(metric(server, "agentforge_bus_events_delivered_total")).isGreaterThanOrEqualTo(delivered + 3);
        }
    }

    static double metric(ServiceServer server, String name) {
        var body = WebTestClient.of(server).get("/metrics").body();
        var matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(body);
        assertThat(matcher.find()).as(name + " in " + body).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
