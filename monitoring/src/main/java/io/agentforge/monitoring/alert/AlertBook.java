package io.agentforge.monitoring.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Keeps exactly one open alert per holding condition. {@link #reconcile} is given the conditions that hold now: a new
 * one raises an alert (published as {@code alert_created}), one that no longer holds has its alert resolved (published
 * as {@code alert_resolved}). An alert resolved by hand while its condition still holds is not raised again until the
 * condition has cleared and come back. Replicas sharing one database take over each other's open alerts rather than
 * duplicating them (two replicas raising the same alert in the same instant can still both insert it).
 */
public final class AlertBook {
    /** Not in SPEC section 6's list, which is open ("more may be added"); dashboards use it to clear an alert. */
    public static final String ALERT_RESOLVED = EventTypes.ALERT_RESOLVED;
    static final String CONDITION = "condition";

    private static final Logger LOG = LoggerFactory.getLogger(AlertBook.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final AlertStore store;
    private final EventBus bus;
    private final String sourceService;
    private final Map<String, String> openByCondition = new HashMap<>();
    private final Set<String> resolvedByHand = new HashSet<>();

    public AlertBook(AlertStore store, EventBus bus, String sourceService) {
        this.store = store;
        this.bus = bus;
        this.sourceService = sourceService;
        // After a restart the open alerts in a persistent store still stand for their conditions: no duplicates.
        for (var alert : store.list(true)) {
            if (alert.metadata().get(CONDITION) instanceof String key) {
                openByCondition.put(key, alert.alertId());
            }
        }
    }

    /** Raises alerts for new conditions and resolves those whose condition no longer holds. */
    public synchronized void reconcile(List<AlertCondition> holding) {
        var holdingKeys = holding.stream().map(AlertCondition::key).collect(Collectors.toSet());
        for (var condition : holding) {
            if (!openByCondition.containsKey(condition.key()) && !resolvedByHand.contains(condition.key())) {
                // Another replica sharing the database may have raised it already: take that one over.
                store.findOpen(condition.rule(), condition.service()).ifPresentOrElse(
                        open -> openByCondition.put(condition.key(), open.alertId()), () -> raise(condition));
            }
        }
        var cleared = openByCondition.keySet().stream().filter(key -> !holdingKeys.contains(key)).toList();
        for (var key : cleared) {
            var alertId = openByCondition.remove(key);
            var stillOpen = store.find(alertId).filter(alert -> !alert.resolved()).isPresent();
            if (stillOpen) {
                store.resolve(alertId, Instant.now()).ifPresent(alert -> publish(ALERT_RESOLVED, alert));
            }
        }
        resolvedByHand.retainAll(holdingKeys);
    }

    /** Resolves an alert by hand. */
    public synchronized Alert resolve(String alertId) {
        var before = store.find(alertId).orElseThrow(() -> new NotFoundException("alert", alertId));
        if (before.resolved()) {
            return before;
        }
        var alert = store.resolve(alertId, Instant.now()).orElseThrow(() -> new NotFoundException("alert", alertId));
        openByCondition.entrySet().removeIf(open -> {
            if (open.getValue().equals(alertId)) {
                resolvedByHand.add(open.getKey());
                return true;
            }
            return false;
        });
        publish(ALERT_RESOLVED, alert);
        return alert;
    }

    public List<Alert> alerts(Boolean active) {
        return store.list(active);
    }

    public long count() {
        return store.count();
    }

    private void raise(AlertCondition condition) {
        var metadata = new LinkedHashMap<>(condition.metadata());
        metadata.put(CONDITION, condition.key());
        var alert = new Alert(UUID.randomUUID().toString(), condition.severity(), condition.service(),
                condition.message(), Instant.now(), false, metadata);
        store.insert(alert);
        openByCondition.put(condition.key(), alert.alertId());
        LOG.warn("alert {} [{}] {}", alert.alertId(), alert.severity(), alert.message());
        publish(EventTypes.ALERT_CREATED, alert);
    }

    private void publish(String type, Alert alert) {
        try {
            bus.publish(Event.of(type, sourceService, Json.mapper().convertValue(alert, MAP)));
        } catch (RuntimeException e) {
            LOG.warn("could not publish {} for alert {}", type, alert.alertId(), e);
        }
    }
}
