package io.agentforge.monitoring.health;

import io.agentforge.contracts.monitoring.ServiceStatus;

import java.util.ArrayDeque;

/**
 * The last {@code capacity} check results of one service, from which error rate and uptime are computed. Bounded so
 * that a long-running monitor reports recent behaviour and its memory does not grow.
 */
final class CheckWindow {
    private final int capacity;
    private final ArrayDeque<ServiceStatus> outcomes;
    private int failed;
    private int healthy;

    CheckWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.outcomes = new ArrayDeque<>(capacity);
    }

    synchronized void record(ServiceStatus status) {
        if (outcomes.size() == capacity) {
            forget(outcomes.removeFirst());
        }
        outcomes.addLast(status);
        if (status == ServiceStatus.UNHEALTHY) {
            failed++;
        } else if (status == ServiceStatus.HEALTHY) {
            healthy++;
        }
    }

    private void forget(ServiceStatus status) {
        if (status == ServiceStatus.UNHEALTHY) {
            failed--;
        } else if (status == ServiceStatus.HEALTHY) {
            healthy--;
        }
    }

    /** Failed checks (no answer, an error, or an unhealthy report) over all checks in the window, 0..1. */
    synchronized double errorRate() {
        return outcomes.isEmpty() ? 0 : (double) failed / outcomes.size();
    }

    /** Healthy checks over all checks in the window, 0..100. */
    synchronized double uptimePercentage() {
        return outcomes.isEmpty() ? 0 : 100.0 * healthy / outcomes.size();
    }
}
