package io.agentforge.monitoring;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.MonitoringService;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.monitoring.SystemMetrics;
import io.agentforge.contracts.Json;
import io.agentforge.monitoring.alert.AlertBook;
import io.agentforge.monitoring.alert.AlertRules;
import io.agentforge.monitoring.alert.AlertStore;
import io.agentforge.monitoring.health.AnnouncedServices;
import io.agentforge.monitoring.health.HealthMonitor;
import io.agentforge.monitoring.health.HealthTarget;
import io.agentforge.monitoring.system.SystemSampler;
import io.agentforge.platform.health.EventBusCheck;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Monitoring service: every check interval it samples the machine, probes the watched services, reconciles the
 * alerts with what the rules say holds now, and publishes the sample on {@code system_metrics}.
 */
public final class Monitoring implements MonitoringService, AutoCloseable {
    public static final String NAME = "monitoring";
    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    private final MonitoringSettings settings;
    private final EventBus bus;
    private final HealthMonitor healthMonitor;
    private final SystemSampler sampler;
    private final AlertRules rules;
    private final AlertBook alertBook;
    private final Instant startedAt = Instant.now();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("monitoring-checks").daemon().factory());
    private volatile Instant lastRound;
    private volatile boolean started;
    private volatile MonitoringMeters meters;
    private volatile EventBus.Subscription announcements;

    public Monitoring(MonitoringSettings settings, EventBus bus, AlertStore alertStore) {
        this.settings = settings;
        this.bus = bus;
        this.healthMonitor = new HealthMonitor(bus, NAME, settings.checkTimeout(), settings.healthWindow(),
                settings.startupGrace());
        this.sampler = new SystemSampler(settings.dataDir(), settings.metricsHistory());
        this.rules = new AlertRules(settings.thresholds());
        this.alertBook = new AlertBook(alertStore, bus, NAME);
    }

    /** Adds a service to watch; may be called before or after {@link #start()}. */
    public Monitoring watch(HealthTarget target) {
        healthMonitor.watch(target);
        return this;
    }

    /**
     * Also watches the services that announce themselves on the bus because no {@code *_SERVICE_URL} names them (the
     * API, in distributed mode); see {@link AnnouncedServices}.
     */
    public Monitoring followAnnouncements() {
        var announced = new AnnouncedServices(healthMonitor, settings.checkTimeout());
        announcements = bus.subscribe(EventTypes.SERVICE_ANNOUNCED, announced::onAnnouncement);
        return this;
    }

    /** Publishes what each round measures as meters of the given registry (the server frame's, for /metrics). */
    public Monitoring bindMetrics(MeterRegistry registry) {
        meters = new MonitoringMeters(registry);
        return this;
    }

    /** Starts the periodic rounds, the first one at once. */
    public Monitoring start() {
        started = true;
        var interval = settings.checkInterval().toNanos();
        scheduler.scheduleAtFixedRate(this::roundSafely, 0, interval, TimeUnit.NANOSECONDS);
        return this;
    }

    /** One round: sample, probe, reconcile alerts, publish the sample. */
    public void runRound() {
        // The machine first, so that nothing stands between a failed probe and its alert.
        var metrics = sampler.sample();
        var healths = healthMonitor.checkAll();
        alertBook.reconcile(rules.evaluate(metrics, healths));
        publish(metrics);
        var bound = meters;
        if (bound != null) {
            bound.record(healths, metrics, alertBook.alerts(true));
        }
        lastRound = Instant.now();
    }

    private void roundSafely() {
        try {
            runRound();
        } catch (RuntimeException e) {
            // A failed round must not end the schedule; the next one tries again.
            LOG.error("monitoring round failed", e);
        }
    }

    private void publish(SystemMetrics metrics) {
        try {
            bus.publish(Event.of(EventTypes.SYSTEM_METRICS, NAME,
                    Map.of("metrics", Json.mapper().convertValue(metrics, Map.class))));
        } catch (RuntimeException e) {
            LOG.warn("could not publish system metrics", e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Measured: the bus answers, and the rounds are running (none is more than three intervals late). */
    @Override
    public HealthReport health() {
        var checks = new LinkedHashMap<String, DependencyCheck>();
        checks.put("event_bus", EventBusCheck.check(bus, ServiceStatus.DEGRADED, "alerts and metrics are not delivered"));
        checks.put("check_rounds", roundsCheck());
        return HealthReport.of(NAME, checks, uptimeSeconds());
    }

    /** Whether the periodic rounds are running: unhealthy when none has finished for three intervals. */
    public DependencyCheck roundsCheck() {
        var last = lastRound;
        if (!started) {
            return new DependencyCheck(ServiceStatus.HEALTHY, 0, "not scheduled (rounds run on demand)");
        }
        if (last == null) {
            var waited = Duration.between(startedAt, Instant.now());
            var late = waited.compareTo(settings.checkInterval().multipliedBy(3)) > 0;
            return new DependencyCheck(late ? ServiceStatus.UNHEALTHY : ServiceStatus.HEALTHY, 0,
                    late ? "no round has finished yet" : "first round running");
        }
        var age = Duration.between(last, Instant.now());
        var late = age.compareTo(settings.checkInterval().multipliedBy(3).plus(settings.checkTimeout())) > 0;
        return new DependencyCheck(late ? ServiceStatus.UNHEALTHY : ServiceStatus.HEALTHY, 0,
                "last round finished " + age.toMillis() + " ms ago");
    }

    @Override
    public List<ServiceHealth> servicesHealth() {
        return healthMonitor.current();
    }

    /** The latest sample; one is taken now if no round has run yet. */
    @Override
    public SystemMetrics systemMetrics() {
        return sampler.latest().orElseGet(sampler::sample);
    }

    /** The kept samples, oldest first. */
    public List<SystemMetrics> systemHistory() {
        return sampler.history();
    }

    @Override
    public List<Alert> alerts(Boolean active) {
        return alertBook.alerts(active);
    }

    @Override
    public Alert resolve(String alertId) {
        return alertBook.resolve(alertId);
    }

    public Overview overview() {
        return Overview.of(servicesHealth(), systemMetrics(), alerts(true), alertBook.count(), lastRound,
                uptimeSeconds());
    }

    public MonitoringSettings settings() {
        return settings;
    }

    private double uptimeSeconds() {
        return Duration.between(startedAt, Instant.now()).toMillis() / 1000.0;
    }

    @Override
    public void close() {
        var following = announcements;
        if (following != null) {
            following.close();
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(settings.checkTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        healthMonitor.close();
    }
}
