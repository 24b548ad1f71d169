package io.agentforge.monitoring.alert;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.platform.testing.PersistenceContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every database must do for alerts; run on H2 and on PostgreSQL. */
class AlertRepositoryTest extends PersistenceContract {
    private AlertRepository alerts;

    AlertRepositoryTest() {
        super(MonitoringServer.SCHEMA, "alerts");
    }

    @BeforeEach
    void createRepository() {
        alerts = new AlertRepository(database, clock);
    }

    private Alert raise(String id, String rule, String service) {
        var alert = alerts.insert(new Alert(id, Severity.WARNING, service, "cpu above 80%", clock.instant(), false,
                Map.of("cpu", 0.93, "threshold", 0.8)), rule);
        clock.advance(Duration.ofSeconds(1));
        return alert;
    }

    @Test
    void insertedAlertRoundTripsEveryField() {
        var metadata = Map.<String, Object>of("cpu", 0.93, "hosts", List.of("a", "b"), "count", 3);
        var alert = new Alert("alert-1", Severity.CRITICAL, "training", "training service down", START, false,
                metadata);
        assertThat(alerts.insert(alert, "service_down")).isEqualTo(alert);
        assertThat(alerts.find("alert-1")).isEqualTo(alert);
    }

    @Test
    void activeAndResolvedAreListedApartNewestFirst() {
        raise("a1", "cpu", "monitoring");
        raise("a2", "memory", "monitoring");
        raise("a3", "cpu", "training");
        var resolved = alerts.resolve("a2");
        assertThat(resolved.resolved()).isTrue();

        assertThat(alerts.active()).extracting(Alert::alertId).containsExactly("a3", "a1");
        var resolvedPage = alerts.list(true, PageRequest.firstPage());
        assertThat(resolvedPage.total()).isEqualTo(1);
        assertThat(resolvedPage.items()).containsExactly(resolved);
        var all = alerts.list(null, new PageRequest(1, 1));
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.items()).extracting(Alert::alertId).containsExactly("a2");
    }

    @Test
    void aRuleFindsItsOpenAlertUntilResolved() {
        raise("a1", "cpu", "monitoring");
        assertThat(alerts.findActive("cpu", "monitoring")).map(Alert::alertId).contains("a1");
        assertThat(alerts.findActive("cpu", "training")).isEmpty();
        alerts.resolve("a1");
        assertThat(alerts.resolve("a1").resolved()).as("resolving twice is harmless").isTrue();
        assertThat(alerts.findActive("cpu", "monitoring")).isEmpty();
    }

    @Test
    void unknownAlertIdsAreNotFound() {
        assertThatThrownBy(() -> alerts.resolve("missing")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> alerts.find("missing")).isInstanceOf(NotFoundException.class);
    }
}
