package io.agentforge.monitoring;

import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.contracts.monitoring.SystemMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The Monitoring service's business metrics on its {@code /metrics}: what it measured in its last round (per watched
 * service, tagged {@code target} because the frame already tags every meter with {@code service}), the machine, and
 * the open alerts by severity. Updated once per round, so a scrape never triggers a check.
 */
final class MonitoringMeters {
    private final MultiGauge serviceUp;
    private final MultiGauge responseTime;
    private final MultiGauge errorRate;
    private final MultiGauge uptime;
    private final MultiGauge activeAlerts;
    private final AtomicReference<SystemMetrics> system = new AtomicReference<>();
    private final MeterRegistry registry;

    MonitoringMeters(MeterRegistry registry) {
        this.registry = registry;
        serviceUp = MultiGauge.builder("agentforge.monitored.service.up")
                .description("1 when the last check found the service answering and not unhealthy, else 0")
                .register(registry);
        responseTime = MultiGauge.builder("agentforge.monitored.service.response.time").baseUnit("milliseconds")
                .description("How long the last health check of the service took").register(registry);
        errorRate = MultiGauge.builder("agentforge.monitored.service.error.rate")
                .description("Failed health checks over all checks in the window, 0..1").register(registry);
        uptime = MultiGauge.builder("agentforge.monitored.service.uptime.percentage")
                .description("Healthy checks over all checks in the window, 0..100").register(registry);
        activeAlerts = MultiGauge.builder("agentforge.alerts.active")
                .description("Open alerts by severity").register(registry);
        systemGauge("agentforge.system.cpu.usage", SystemMetrics::cpuUsage);
        systemGauge("agentforge.system.memory.usage", SystemMetrics::memoryUsage);
        systemGauge("agentforge.system.disk.usage", SystemMetrics::diskUsage);
        networkCounter("agentforge.system.network.io", "bytes", "sent", m -> m.networkIo().bytesSent());
        networkCounter("agentforge.system.network.io", "bytes", "received", m -> m.networkIo().bytesRecv());
        networkCounter("agentforge.system.network.packets", null, "sent", m -> m.networkIo().packetsSent());
        networkCounter("agentforge.system.network.packets", null, "received", m -> m.networkIo().packetsRecv());
    }

    void record(List<ServiceHealth> services, SystemMetrics metrics, List<Alert> openAlerts) {
        system.set(metrics);
        serviceUp.register(rows(services, h -> h.status() == ServiceStatus.UNHEALTHY ? 0 : 1), true);
        responseTime.register(rows(services, ServiceHealth::responseTime), true);
        errorRate.register(rows(services, ServiceHealth::errorRate), true);
        uptime.register(rows(services, ServiceHealth::uptimePercentage), true);
        var bySeverity = new EnumMap<Severity, Integer>(Severity.class);
        for (var severity : Severity.values()) {
            bySeverity.put(severity, 0);
        }
        openAlerts.forEach(alert -> bySeverity.merge(alert.severity(), 1, Integer::sum));
        var rows = new ArrayList<MultiGauge.Row<?>>();
        bySeverity.forEach((severity, count) -> rows.add(MultiGauge.Row.of(Tags.of("severity", severity.wireName()),
                count)));
        activeAlerts.register(rows, true);
    }

    private static List<MultiGauge.Row<?>> rows(List<ServiceHealth> services, ToDoubleFunction<ServiceHealth> value) {
        var rows = new ArrayList<MultiGauge.Row<?>>();
        for (var health : services) {
            rows.add(MultiGauge.Row.of(Tags.of("target", health.serviceName()), value.applyAsDouble(health)));
        }
        return rows;
    }

    private void systemGauge(String name, ToDoubleFunction<SystemMetrics> value) {
        Gauge.builder(name, system, ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .description("Fraction 0..1 in the last sample").register(registry);
    }

    private void networkCounter(String name, String unit, String direction, ToDoubleFunction<SystemMetrics> value) {
        // The kernel's counters since boot: a counter in Prometheus's sense, so rate() gives the traffic.
        FunctionCounter.builder(name, system, ref -> ref.get() == null ? 0 : value.applyAsDouble(ref.get()))
                .baseUnit(unit).tag("direction", direction)
                .description("Summed over the machine's network interfaces").register(registry);
    }
}
