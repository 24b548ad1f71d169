package io.agentforge.monitoring;

import io.agentforge.monitoring.fixtures.HealthServer;
import io.agentforge.monitoring.health.HealthMonitor;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.web.ServiceServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringTargetsTest {
    @Test
    void urlMeansHttpLocalMeansInProcessAndMonitoringDoesNotWatchItself() {
        try (var remoteModels = HealthServer.healthy();
             var localTraining = ServiceServer.builder("training").port(0).build();
             var localMonitoring = ServiceServer.builder("monitoring").port(0).build();
             var bus = new InProcessEventBus();
             var monitor = new HealthMonitor(bus, "monitoring", HealthServer.PATIENT, 10)) {
            var targets = MonitoringTargets.of(Map.of(ServiceName.MODELS, remoteModels.url()),
                    Map.of(ServiceName.TRAINING, localTraining, ServiceName.MONITORING, localMonitoring),
                    HealthServer.PATIENT);
            targets.forEach(monitor::watch);

            var healths = monitor.checkAll();

            assertThat(healths).extracting(h -> h.serviceName() + "=" + h.status())
                    .containsExactly("training=healthy", "models=healthy");
            // The in-process target asked the (never started) server directly; the HTTP one went over the wire.
            assertThat(remoteModels.requests()).isEqualTo(1);
            assertThat(localTraining.isRunning()).isFalse();
        }
    }
}
