package io.agentforge.monitoring.alert;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alerts raised by the Monitoring service's rules, kept across restarts. The rule that raised an alert is stored
 * with it, so that a rule still firing finds its open alert instead of raising a duplicate.
 */
public final class AlertRepository {
    private static final String COLUMNS = "alert_id, severity, service, message, raised_at, resolved, metadata, rule";

    private final Database database;
    private final Clock clock;

    public AlertRepository(Database database) {
        this(database, Clock.systemUTC());
    }

    public AlertRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Stores an alert as given (its id and timestamp included; a null timestamp means now).
     *
     * @param rule the name of the rule that raised it, or null for an alert raised by hand
     */
    public Alert insert(Alert alert, String rule) {
        if (alert.alertId() == null || alert.alertId().isBlank()) {
            throw new InvalidRequestException("alert_id", "an alert id", alert.alertId());
        }
        if (alert.severity() == null) {
            throw new InvalidRequestException("severity", "one of info, warning, error, critical", null);
        }
        if (alert.service() == null || alert.message() == null) {
            throw new InvalidRequestException(alert.service() == null ? "service" : "message", "a value", null);
        }
        var stored = new Alert(alert.alertId(), alert.severity(), alert.service(), alert.message(),
                alert.timestamp() == null ? Sql.now(clock) : alert.timestamp(), alert.resolved(),
                alert.metadata());
        return database.inTransaction(connection -> {
            try (var insert = connection.prepareStatement("INSERT INTO alerts (" + COLUMNS + ", resolved_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, stored.alertId());
                insert.setString(2, stored.severity().wireName());
                insert.setString(3, stored.service());
                insert.setString(4, stored.message());
                Sql.setInstant(insert, 5, stored.timestamp());
                insert.setBoolean(6, stored.resolved());
                insert.setString(7, Sql.json(stored.metadata()));
                insert.setString(8, rule);
                Sql.setInstant(insert, 9, stored.resolved() ? Sql.now(clock) : null);
                insert.executeUpdate();
            }
            return find(connection, stored.alertId());
        });
    }

    /** @throws NotFoundException for an unknown id */
    public Alert find(String alertId) {
        return database.withConnection(connection -> find(connection, alertId));
    }

    /** Unresolved alerts, newest first. */
    public List<Alert> active() {
        return list(false, new PageRequest(0, PageRequest.MAX_LIMIT)).items();
    }

    /** Alerts newest first; {@code resolved} null lists both kinds. */
    public Page<Alert> list(Boolean resolved, PageRequest page) {
        var where = resolved == null ? "" : " WHERE resolved = ?";
        var arguments = resolved == null ? List.of() : List.of(resolved);
        return database.withConnection(connection -> Sql.page(connection, COLUMNS, "alerts" + where, arguments,
                "raised_at DESC, alert_id DESC", page, AlertRepository::readAll));
    }

    /** The unresolved alert a rule raised for a service, if there is one. */
    public Optional<Alert> findActive(String rule, String service) {
        return database.withConnection(connection -> {
            try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts"
                    + " WHERE rule = ? AND service = ? AND resolved = FALSE ORDER BY raised_at DESC, alert_id DESC")) {
                select.setString(1, rule);
                select.setString(2, service);
                return readAll(select).stream().findFirst();
            }
        });
    }

    /**
     * Marks the alert resolved; resolving a resolved alert changes nothing and returns it.
     *
     * @throws NotFoundException for an unknown id
     */
    public Alert resolve(String alertId) {
        return database.inTransaction(connection -> {
            try (var update = connection.prepareStatement("UPDATE alerts SET resolved = TRUE, resolved_at = ?"
                    + " WHERE alert_id = ? AND resolved = FALSE")) {
                Sql.setInstant(update, 1, Sql.now(clock));
                update.setString(2, alertId);
                update.executeUpdate();
            }
            return find(connection, alertId);
        });
    }

    private static Alert find(Connection connection, String alertId) throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE alert_id = ?")) {
            select.setString(1, alertId);
            var found = readAll(select);
            if (found.isEmpty()) {
                throw new NotFoundException("alert", alertId);
            }
            return found.getFirst();
        }
    }

    private static List<Alert> readAll(PreparedStatement select) throws SQLException {
        var alerts = new ArrayList<Alert>();
        try (var rows = select.executeQuery()) {
            while (rows.next()) {
                alerts.add(new Alert(rows.getString("alert_id"), Severity.parse(rows.getString("severity")),
                        rows.getString("service"), rows.getString("message"), Sql.instant(rows, "raised_at"),
                        rows.getBoolean("resolved"), Sql.objectMap(rows.getString("metadata"))));
            }
        }
        return alerts;
    }
}
