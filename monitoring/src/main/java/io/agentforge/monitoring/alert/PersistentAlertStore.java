package io.agentforge.monitoring.alert;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Alerts in the shared database (the embedded one or PostgreSQL), so that they survive a restart and an open alert is
 * taken over rather than raised again. Lists are capped at the repository's largest page, newest first.
 */
public final class PersistentAlertStore implements AlertStore {
    private final AlertRepository repository;

    public PersistentAlertStore(AlertRepository repository) {
        this.repository = repository;
    }

    @Override
    public void insert(Alert alert) {
        repository.insert(alert, alert.metadata().get("rule") instanceof String rule ? rule : null);
    }

    @Override
    public List<Alert> list(Boolean active) {
        return repository.list(active == null ? null : !active, new PageRequest(0, PageRequest.MAX_LIMIT)).items();
    }

    @Override
    public Optional<Alert> find(String alertId) {
        try {
            return Optional.of(repository.find(alertId));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Alert> findOpen(String rule, String service) {
        return repository.findActive(rule, service);
    }

    @Override
    public long count() {
        return repository.list(null, PageRequest.first(1)).total();
    }

    @Override
    public Optional<Alert> resolve(String alertId, Instant at) {
        // The repository stamps resolved_at itself, from its own clock.
        try {
            return Optional.of(repository.resolve(alertId));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}
