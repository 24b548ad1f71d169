package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where alerts are kept: in memory, or in the shared database when the platform provides it. */
public interface AlertStore {
    void insert(Alert alert);

    /** @param active true for open alerts only, false for resolved only, null for all; newest first */
    List<Alert> list(Boolean active);

    Optional<Alert> find(String alertId);

    /** The open alert a rule raised for a service, e.g. by another replica of the Monitoring service. */
    Optional<Alert> findOpen(String rule, String service);

    /** How many alerts are kept, open and resolved. */
    long count();

    /** Marks the alert resolved; returns it as now stored, or empty when there is no such alert. */
    Optional<Alert> resolve(String alertId, Instant at);
}
