package io.agentforge.monitoring.alert;

import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.monitoring.fixtures.EventLog;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert book on the real databases: the embedded H2 file and PostgreSQL. */
class PersistentAlertStoreTest {
    @TempDir
    Path dataDir;

    private final InProcessEventBus bus = new InProcessEventBus();
    private final EventLog events = new EventLog(bus, "alert_*");

    private static AlertCondition down(String service) {
        return new AlertCondition(AlertRules.SERVICE_DOWN, Severity.ERROR, service, service + " is unhealthy",
                Map.of("rule", AlertRules.SERVICE_DOWN));
    }

    private String databaseUrl(String kind) {
        return kind.equals("postgres") ? PostgresServerFixture.freshDatabase().url() : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void openAlertSurvivesARestartAndIsTakenOverNotRaisedAgain(String kind) {
        var url = databaseUrl(kind);
        String alertId;
        try (var database = Database.open(url, dataDir, MonitoringServer.SCHEMA)) {
            var book = new AlertBook(new PersistentAlertStore(new AlertRepository(database)), bus, "monitoring");
            book.reconcile(List.of(down("training")));
            alertId = book.alerts(true).getFirst().alertId();
        }

        try (var database = Database.open(url, dataDir, MonitoringServer.SCHEMA)) {
            var store = new PersistentAlertStore(new AlertRepository(database));
            var restarted = new AlertBook(store, bus, "monitoring");
            restarted.reconcile(List.of(down("training")));

            assertThat(store.list(true)).extracting(a -> a.alertId()).containsExactly(alertId);
            assertThat(events.await(EventTypes.ALERT_CREATED, 1)).hasSize(1);

            restarted.reconcile(List.of());
            assertThat(store.list(true)).isEmpty();
            assertThat(store.list(false)).singleElement().satisfies(a -> {
                assertThat(a.alertId()).isEqualTo(alertId);
                assertThat(a.resolved()).isTrue();
                assertThat(a.metadata()).containsEntry("condition", "service_down:training");
            });
            assertThat(store.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoReplicasOnOneDatabaseShareOneAlertPerCondition(String kind) {
        try (var database = Database.open(databaseUrl(kind), dataDir, MonitoringServer.SCHEMA)) {
            var store = new PersistentAlertStore(new AlertRepository(database));
            var first = new AlertBook(store, bus, "monitoring");
            var second = new AlertBook(new PersistentAlertStore(new AlertRepository(database)), bus, "monitoring");

            first.reconcile(List.of(down("training")));
            second.reconcile(List.of(down("training")));
            assertThat(store.list(true)).hasSize(1);

            second.reconcile(List.of());
            first.reconcile(List.of());
            assertThat(store.list(true)).isEmpty();
            assertThat(events.await(EventTypes.ALERT_CREATED, 1)).hasSize(1);
            assertThat(events.await(AlertBook.ALERT_RESOLVED, 1)).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void alertResolvedByHandIsStoredResolved(String kind) {
        try (var database = Database.open(databaseUrl(kind), dataDir, MonitoringServer.SCHEMA)) {
            var store = new PersistentAlertStore(new AlertRepository(database));
            var book = new AlertBook(store, bus, "monitoring");
            book.reconcile(List.of(down("training"), down("models")));
            var alert = store.list(true).getFirst();

            book.resolve(alert.alertId());

            assertThat(store.find(alert.alertId())).hasValueSatisfying(a -> assertThat(a.resolved()).isTrue());
            assertThat(store.list(true)).hasSize(1);
            assertThat(store.find("no-such-alert")).isEmpty();
            assertThat(store.resolve("no-such-alert", java.time.Instant.now())).isEmpty();
        }
    }
}
