package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Produces a service's {@link HealthReport} by running all of its checks now, in parallel, each on its own virtual
 * thread and bounded by one timeout. A check that throws or does not answer in time is {@code unhealthy}, so one hung
 * dependency can slow {@code /health} down by at most the timeout and can never make it hang.
 */
public final class HealthChecker {
    private final String service;
    private final List<HealthCheck> checks;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final long startedNanos;

    public HealthChecker(String service, List<HealthCheck> checks, Duration timeout) {
        this(service, checks, timeout, System::nanoTime);
    }

    /** @param nanoTime the monotonic time that uptime is measured on; tests pass one they move by hand */
    public HealthChecker(String service, List<HealthCheck> checks, Duration timeout, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        this.service = service;
        this.checks = List.copyOf(checks);
        this.timeout = timeout;
        var names = new HashSet<String>();
        for (var check : this.checks) {
            if (!names.add(check.name())) {
                throw new IllegalArgumentException("two health checks of " + service + " are named " + check.name());
            }
        }
    }

    /** Runs every check and reports the worst status of them; a service without checks is healthy while it answers. */
    public HealthReport report() {
        var running = new ArrayList<FutureTask<DependencyCheck>>();
        for (var check : checks) {
            var task = new FutureTask<>(() -> measured(check));
            Thread.ofVirtual().name("health-" + service + "-" + check.name()).start(task);
            running.add(task);
        }
        var deadline = System.nanoTime() + timeout.toNanos();
        var results = new LinkedHashMap<String, DependencyCheck>();
        for (int i = 0; i < checks.size(); i++) {
            results.put(checks.get(i).name(), await(running.get(i), deadline));
        }
        return HealthReport.of(service, results, uptime().toMillis() / 1000.0);
    }

    /** Since this checker (and so its service) was created; monotonic, unaffected by clock changes. */
    public Duration uptime() {
        return Duration.ofNanos(nanoTime.getAsLong() - startedNanos);
    }

    private static DependencyCheck measured(HealthCheck check) {
        var start = System.nanoTime();
        DependencyCheck result;
        try {
            result = check.check().get();
        } catch (RuntimeException e) {
            result = new DependencyCheck(ServiceStatus.UNHEALTHY, 0, describe(e));
        }
        if (result == null) {
            result = new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "the check returned nothing");
        }
        // The time is ours, measured around the call, so that every check's response_time means the same thing.
        return new DependencyCheck(result.status(), millisSince(start), result.detail());
    }

    private DependencyCheck await(FutureTask<DependencyCheck> task, long deadline) {
        try {
            return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            return new DependencyCheck(ServiceStatus.UNHEALTHY, timeout.toMillis(),
                    "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "interrupted while checking");
        }
    }

    private static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
