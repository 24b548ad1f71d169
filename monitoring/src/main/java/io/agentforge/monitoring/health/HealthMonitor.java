package io.agentforge.monitoring.health;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.ServiceHealth;
import io.agentforge.contracts.monitoring.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Probes every target once per {@link #checkAll()} round, all in parallel on virtual threads, and keeps one
 * {@link ServiceHealth} per target. A probe that throws or does not return within the timeout makes its service
 * {@code unhealthy}. A change of status is published as {@code service_health_changed}.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final List<HealthTarget> targets = new CopyOnWriteArrayList<>();
    private final Map<String, CheckWindow> windows = new ConcurrentHashMap<>();
    private final Map<String, ServiceHealth> latest = new ConcurrentHashMap<>();
    private final EventBus bus;
    private final String sourceService;
    private final Duration timeout;
    private final int windowSize;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration startupGrace;
    /** The monotonic time that the grace runs on; tests pass one they move by hand. */
    private final LongSupplier nanoTime;
    /** Targets that have not answered since being watched, with the end of their grace (on {@link #nanoTime}). */
    private final Map<String, Long> starting = new ConcurrentHashMap<>();

    /** A monitor without start-up grace: a target that does not answer is unhealthy from its first check. */
    public HealthMonitor(EventBus bus, String sourceService, Duration timeout, int windowSize) {
        this(bus, sourceService, timeout, windowSize, Duration.ZERO);
    }

    /**
     * @param startupGrace how long a newly watched target that has not answered yet is left out of the results (no
     *                     state, no change event, hence no alert) instead of counting as unhealthy; once it has
     *                     answered, or the grace is over, every failure counts
     */
    public HealthMonitor(EventBus bus, String sourceService, Duration timeout, int windowSize, Duration startupGrace) {
        this(bus, sourceService, timeout, windowSize, startupGrace, System::nanoTime);
    }

    HealthMonitor(EventBus bus, String sourceService, Duration timeout, int windowSize, Duration startupGrace,
                  LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.bus = bus;
        this.sourceService = sourceService;
        this.timeout = timeout;
        this.windowSize = windowSize;
        this.startupGrace = startupGrace;
    }

    public void watch(HealthTarget target) {
        targets.removeIf(existing -> existing.name().equals(target.name()));
        targets.add(target);
        windows.put(target.name(), new CheckWindow(windowSize));
        latest.remove(target.name());
        if (startupGrace.isPositive()) {
            starting.put(target.name(), nanoTime.getAsLong() + startupGrace.toNanos());
        }
    }

    /** Probes every target, records the results and returns the new state of each, in the order watched. */
    public List<ServiceHealth> checkAll() {
        var running = new ArrayList<Map.Entry<HealthTarget, Future<Probed>>>();
        for (var target : targets) {
            running.add(Map.entry(target, probes.submit(() -> probe(target))));
        }
        var deadline = System.nanoTime() + timeout.toNanos();
        var results = new ArrayList<ServiceHealth>(running.size());
        for (var entry : running) {
            var name = entry.getKey().name();
            var probed = await(entry.getValue(), deadline);
            if (!stillStarting(name, probed)) {
                results.add(record(name, probed));
            }
        }
        return results;
    }

    /** True when the target failed but has never answered and is within its start-up grace: not news yet. */
    private boolean stillStarting(String name, Probed probed) {
        var graceEnds = starting.get(name);
        if (graceEnds == null) {
            return false;
        }
        if (probed.status() == ServiceStatus.UNHEALTHY && nanoTime.getAsLong() - graceEnds < 0) {
            LOG.debug("service {} has not answered yet and is within its start-up grace: {}", name, probed.error());
            return true;
        }
        starting.remove(name);
        return false;
    }

    /** The last measured state of every target that has been checked at least once. */
    public List<ServiceHealth> current() {
        var out = new ArrayList<ServiceHealth>();
        for (var target : targets) {
            var health = latest.get(target.name());
            if (health != null) {
                out.add(health);
            }
        }
        return out;
    }

    public Optional<ServiceHealth> current(String serviceName) {
        return Optional.ofNullable(latest.get(serviceName));
    }

    /** Whether a target of this name is watched. */
    public boolean isWatched(String name) {
        return targets.stream().anyMatch(target -> target.name().equals(name));
    }

    private Probed probe(HealthTarget target) {
        var start = System.nanoTime();
        try {
            var report = target.probe().probe();
            var status = report == null || report.status() == null ? ServiceStatus.UNHEALTHY : report.status();
            return new Probed(status, millisSince(start), report == null ? "empty health report" : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probed(ServiceStatus.UNHEALTHY, millisSince(start), "interrupted");
        } catch (Exception e) {
            return new Probed(ServiceStatus.UNHEALTHY, millisSince(start), describe(e));
        }
    }

    private Probed await(Future<Probed> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Probed(ServiceStatus.UNHEALTHY, timeout.toNanos() / 1e6,
                    "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Probed(ServiceStatus.UNHEALTHY, timeout.toNanos() / 1e6, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return new Probed(ServiceStatus.UNHEALTHY, 0, "interrupted");
        }
    }

    private ServiceHealth record(String name, Probed probed) {
        var window = windows.computeIfAbsent(name, n -> new CheckWindow(windowSize));
        window.record(probed.status());
        var health = new ServiceHealth(name, probed.status(), probed.responseTimeMs(), Instant.now(),
                window.errorRate(), window.uptimePercentage());
        var previous = latest.put(name, health);
        var previousStatus = previous == null ? null : previous.status();
        // The first check of a healthy service is not news; the first check of a sick one is.
        if (previousStatus != probed.status() && (previousStatus != null || probed.status() != ServiceStatus.HEALTHY)) {
            publishChange(health, previousStatus, probed.error());
        }
        return health;
    }

    private void publishChange(ServiceHealth health, ServiceStatus previous, String error) {
        var data = new HashMap<String, Object>();
        data.put("service", health.serviceName());
        data.put("previous_status", previous == null ? null : previous.wireName());
        data.put("status", health.status().wireName());
        data.put("response_time", health.responseTime());
        data.put("error_rate", health.errorRate());
        data.put("uptime_percentage", health.uptimePercentage());
        data.put("error", error);
        LOG.info("service {} is now {} (was {}){}", health.serviceName(), health.status(), previous,
                error == null ? "" : ": " + error);
        try {
            bus.publish(Event.of(EventTypes.SERVICE_HEALTH_CHANGED, sourceService, data));
        } catch (RuntimeException e) {
            LOG.warn("could not publish the health change of {}", health.serviceName(), e);
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static String describe(Throwable e) {
        var message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }

    private record Probed(ServiceStatus status, double responseTimeMs, String error) {
    }
}
