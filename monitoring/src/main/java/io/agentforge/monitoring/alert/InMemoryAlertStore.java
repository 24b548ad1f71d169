package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.Alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerts in memory, for when no database is configured. Open alerts are always kept; the oldest resolved ones are
 * dropped beyond {@code maxResolved}, so the store stays bounded.
 */
public final class InMemoryAlertStore implements AlertStore {
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final int maxResolved;

    public InMemoryAlertStore(int maxResolved) {
        this.maxResolved = maxResolved;
    }

    @Override
    public synchronized void insert(Alert alert) {
        alerts.put(alert.alertId(), alert);
    }

    @Override
    public synchronized List<Alert> list(Boolean active) {
        var out = new ArrayList<Alert>();
        for (var alert : alerts.values()) {
            if (active == null || active != alert.resolved()) {
                out.add(alert);
            }
        }
        out.sort(Comparator.comparing(Alert::timestamp).reversed());
        return out;
    }

    @Override
    public synchronized Optional<Alert> find(String alertId) {
        return Optional.ofNullable(alerts.get(alertId));
    }

    @Override
    public synchronized Optional<Alert> findOpen(String rule, String service) {
        return alerts.values().stream()
                .filter(a -> !a.resolved() && a.service().equals(service) && rule.equals(a.metadata().get("rule")))
                .findFirst();
    }

    @Override
    public synchronized long count() {
        return alerts.size();
    }

    @Override
    public synchronized Optional<Alert> resolve(String alertId, Instant at) {
        var alert = alerts.get(alertId);
        if (alert == null) {
            return Optional.empty();
        }
        if (!alert.resolved()) {
            var metadata = new LinkedHashMap<>(alert.metadata());
            metadata.put("resolved_at", at.toString());
            alert = new Alert(alert.alertId(), alert.severity(), alert.service(), alert.message(), alert.timestamp(),
                    true, metadata);
            // Re-inserted at the end so that the oldest resolved alerts are the first ones dropped.
            alerts.remove(alertId);
            alerts.put(alertId, alert);
            dropOldResolved();
        }
        return Optional.of(alert);
    }

    private void dropOldResolved() {
        var resolved = alerts.values().stream().filter(Alert::resolved).count();
        var iterator = alerts.values().iterator();
        while (resolved > maxResolved && iterator.hasNext()) {
            if (iterator.next().resolved()) {
                iterator.remove();
                resolved--;
            }
        }
    }
}
