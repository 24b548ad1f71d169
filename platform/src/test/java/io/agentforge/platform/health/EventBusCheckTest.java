package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusCheckTest {

    @Test
    void anOpenBusIsHealthyAndAClosedOneReportsTheGivenStatusAndWhatIsLost() {
        var bus = new InProcessEventBus();
        assertThat(EventBusCheck.check(bus, ServiceStatus.DEGRADED, "x").status()).isEqualTo(ServiceStatus.HEALTHY);

        bus.close();

        var down = EventBusCheck.check(bus, ServiceStatus.UNHEALTHY, "events are not delivered");
        assertThat(down.status()).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(down.detail()).isEqualTo("cannot publish: events are not delivered");
    }
}
