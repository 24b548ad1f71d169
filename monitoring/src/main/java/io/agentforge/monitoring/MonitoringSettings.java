package io.agentforge.monitoring;

import io.agentforge.monitoring.alert.AlertThresholds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Monitoring service behaves, fixed at start-up.
 *
 * @param checkInterval  how often services are probed and the machine sampled ({@code CHECK_INTERVAL})
 * @param checkTimeout   how long a probe may take before its service counts as unhealthy
 * @param healthWindow   how many recent checks per service the error rate and uptime are computed over
 * @param metricsHistory how many system samples {@code GET /metrics/system} keeps
 * @param dataDir        whose file system {@code disk_usage} measures
 * @param startupGrace   how long after being watched a service that has not answered yet is taken to be starting,
 *                       not down: services started together come up in any order, and one still starting is no alert
 */
public record MonitoringSettings(Duration checkInterval, Duration checkTimeout, AlertThresholds thresholds,
                                 int healthWindow, int metricsHistory, Path dataDir, Duration startupGrace) {
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);
    /** The service's own grace: long enough for a JVM service to start on a busy machine or a fresh pod. */
    public static final Duration STARTUP_GRACE = Duration.ofSeconds(60);

    public MonitoringSettings {
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(dataDir, "dataDir");
        if (checkInterval == null || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("CHECK_INTERVAL must be a positive duration, was " + checkInterval);
        }
        if (checkTimeout == null || checkTimeout.isNegative() || checkTimeout.isZero()) {
            throw new IllegalArgumentException("checkTimeout must be a positive duration, was " + checkTimeout);
        }
        if (startupGrace == null || startupGrace.isNegative()) {
            throw new IllegalArgumentException("startupGrace must be zero or positive, was " + startupGrace);
        }
        if (healthWindow < 1 || metricsHistory < 1) {
            throw new IllegalArgumentException("healthWindow and metricsHistory must be at least 1");
        }
    }

    /**
     * Defaults around an interval: a probe may take the interval or 5 s, whichever is shorter; no start-up grace, so
     * a service that does not answer is down from the first check.
     */
    public static MonitoringSettings of(Duration checkInterval, AlertThresholds thresholds, Path dataDir) {
        var timeout = checkInterval.compareTo(MAX_TIMEOUT) < 0 ? checkInterval : MAX_TIMEOUT;
        return new MonitoringSettings(checkInterval, timeout, thresholds, 100, 360, dataDir, Duration.ZERO);
    }

    /** From the parsed environment: {@code CHECK_INTERVAL}, {@code ALERT_THRESHOLDS} (an optional {@code error_rate}). */
    public static MonitoringSettings from(MonitoringServiceConfig config, Path dataDir) {
        var thresholds = config.alertThresholds();
        return of(config.checkInterval(), new AlertThresholds(thresholds.cpu(), thresholds.memory(),
                thresholds.of("error_rate").orElse(AlertThresholds.DEFAULT_ERROR_RATE)), dataDir)
                .withStartupGrace(STARTUP_GRACE);
    }

    public MonitoringSettings withCheckTimeout(Duration timeout) {
        return new MonitoringSettings(checkInterval, timeout, thresholds, healthWindow, metricsHistory, dataDir,
                startupGrace);
    }

    public MonitoringSettings withStartupGrace(Duration grace) {
        return new MonitoringSettings(checkInterval, checkTimeout, thresholds, healthWindow, metricsHistory, dataDir,
                grace);
    }
}
