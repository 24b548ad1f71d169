package io.agentforge.monitoring.alert;

import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.monitoring.Severity;
import io.agentforge.monitoring.fixtures.EventLog;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertBookTest {
    private final EventBus bus = new InProcessEventBus();
    private final EventLog events = new EventLog(bus, "alert_*");
    private final AlertStore store = new InMemoryAlertStore(100);
    private final AlertBook book = new AlertBook(store, bus, "monitoring");

    private static AlertCondition down(String service) {
        return new AlertCondition(AlertRules.SERVICE_DOWN, Severity.ERROR, service, service + " is unhealthy",
                Map.of("rule", AlertRules.SERVICE_DOWN));
    }

    @Test
    void raisesOneAlertPerConditionForAsLongAsItHolds() {
        book.reconcile(List.of(down("training")));
        book.reconcile(List.of(down("training"), down("models")));
        book.reconcile(List.of(down("training"), down("models")));

        assertThat(book.alerts(true)).extracting(a -> a.service()).containsExactlyInAnyOrder("training", "models");
        assertThat(events.await(EventTypes.ALERT_CREATED, 2)).extracting(e -> e.data().get("service"))
                .containsExactly("training", "models");
        var created = events.ofType(EventTypes.ALERT_CREATED).getFirst().data();
        assertThat(created).containsEntry("severity", "error").containsEntry("resolved", false)
                .containsKeys("alert_id", "message", "timestamp", "metadata");
    }

    @Test
    void resolvesTheAlertWhenItsConditionClears() {
        book.reconcile(List.of(down("training"), down("models")));
        var trainingAlert = book.alerts(true).stream().filter(a -> a.service().equals("training")).findFirst()
                .orElseThrow();

        book.reconcile(List.of(down("models")));

        assertThat(book.alerts(true)).extracting(a -> a.service()).containsExactly("models");
        assertThat(book.alerts(false)).singleElement().satisfies(a -> {
            assertThat(a.alertId()).isEqualTo(trainingAlert.alertId());
            assertThat(a.resolved()).isTrue();
            assertThat(a.metadata()).containsKey("resolved_at");
        });
        assertThat(events.await(AlertBook.ALERT_RESOLVED, 1)).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("alert_id", trainingAlert.alertId()));
    }

    @Test
    void conditionThatComesBackRaisesANewAlert() {
        book.reconcile(List.of(down("training")));
        book.reconcile(List.of());
        book.reconcile(List.of(down("training")));

        assertThat(book.alerts(null)).hasSize(2);
        assertThat(book.alerts(true)).hasSize(1);
        assertThat(events.await(EventTypes.ALERT_CREATED, 2)).hasSize(2);
    }

    @Test
    void alertResolvedByHandIsNotRaisedAgainUntilTheConditionClearsAndReturns() {
        book.reconcile(List.of(down("training")));
        var alert = book.alerts(true).getFirst();

        var resolved = book.resolve(alert.alertId());
        book.reconcile(List.of(down("training")));

        assertThat(resolved.resolved()).isTrue();
        assertThat(book.alerts(true)).isEmpty();

        book.reconcile(List.of());
        book.reconcile(List.of(down("training")));
        assertThat(book.alerts(true)).hasSize(1);
        assertThat(events.await(EventTypes.ALERT_CREATED, 2)).hasSize(2);
    }

    @Test
    void resolvingAnUnknownAlertIsNotFound() {
        assertThatThrownBy(() -> book.resolve("no-such-alert")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void restartedBookTakesOverOpenAlertsInsteadOfDuplicatingThem() {
        book.reconcile(List.of(down("training")));

        var restarted = new AlertBook(store, bus, "monitoring");
        restarted.reconcile(List.of(down("training")));
        assertThat(store.list(true)).hasSize(1);

        restarted.reconcile(List.of());
        assertThat(store.list(true)).isEmpty();
        assertThat(events.await(EventTypes.ALERT_CREATED, 1)).hasSize(1);
    }
}
