package io.agentforge.monitoring.alert;

import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.platform.testing.LegacyDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written before each service owned its tables (one Flyway history for everything) opens with today's
 * Monitoring schema with every alert kept: on H2 and on PostgreSQL.
 */
class AlertTableUpgradeTest {
    @ParameterizedTest
    @EnumSource(LegacyDatabase.Backend.class)
    void alertsSurviveTheUpgrade(LegacyDatabase.Backend backend, @TempDir Path dir) {
        var raised = OffsetDateTime.parse("2026-11-01T10:00:00Z");
        var legacy = LegacyDatabase.create(backend, dir, "3");
        legacy.update("INSERT INTO alerts (alert_id, severity, service, message, raised_at, resolved, metadata, rule)"
                + " VALUES ('alert-old', 'critical', 'training', 'down', ?, FALSE, '{\"failures\":3}',"
                + " 'service_down')", raised);

        try (var database = legacy.openCurrent(MonitoringServer.SCHEMA)) {
            var alerts = new AlertRepository(database);
            var old = alerts.find("alert-old");
            assertThat(old.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(old.timestamp()).isEqualTo(raised.toInstant());
            assertThat(old.metadata()).containsEntry("failures", 3);
            assertThat(alerts.active()).extracting(a -> a.alertId()).containsExactly("alert-old");
        }
    }
}
