package io.agentforge.platform.persistence;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TrainingConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening, migrating, transactions and health of a database; run against H2 and PostgreSQL by the subclasses. */
abstract class DatabaseContract extends PersistenceContract {

    @Test
    void reopeningFindsTheSchemaCurrentAndTheDataKept() {
        var id = new JobRepository(database).insert(new JobRequest(ModelPhase.COGNATE,
                new TrainingConfig(10, 1, 0.1, null, null, null, null), Map.of(), 0)).jobId();
        try (var reopened = openDatabase()) {
            assertThat(new JobRepository(reopened).find(id).jobId()).isEqualTo(id);
            var applied = reopened.withConnection(connection -> {
                try (var statement = connection.createStatement();
                     var rows = statement.executeQuery(
                             "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version = '1'")) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
            assertThat(applied).as("V1 applied exactly once").isEqualTo(1);
        }
    }

    @Test
    void knowsWhichDatabaseItIs() {
        assertThat(database.isPostgres()).isEqualTo(expectsPostgres());
        assertThat(database.description()).startsWith(expectsPostgres() ? "PostgreSQL" : "H2")
                .doesNotContain(":postgres@");
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        assertThatThrownBy(() -> database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO alerts (alert_id, severity, service, message, raised_at,"
                        + " metadata) VALUES ('half', 'info', 's', 'm', CURRENT_TIMESTAMP, '{}')");
            }
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(count("alerts")).isZero();

        assertThatThrownBy(() -> database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO alerts (alert_id, severity, service, message, raised_at,"
                        + " metadata) VALUES ('half', 'info', 's', 'm', CURRENT_TIMESTAMP, '{}')");
                statement.executeUpdate("INSERT INTO alerts (alert_id, severity, service, message, raised_at,"
                        + " metadata) VALUES ('bad', 'apocalyptic', 's', 'm', CURRENT_TIMESTAMP, '{}')");
            }
            return null;
        })).isInstanceOf(DatabaseException.class);
        assertThat(count("alerts")).isZero();
    }

    @Test
    void checkIsHealthyWithAMeasuredResponseTime() {
        var check = database.check();
        assertThat(check.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(check.responseTime()).isPositive();
        assertThat(check.detail()).containsIgnoringCase(expectsPostgres() ? "PostgreSQL" : "H2");
    }

    @Test
    void checkIsUnhealthyAndCallsFailOnceTheDatabaseIsClosed() {
        var other = openDatabase();
        assertThat(other.check().status()).isEqualTo(ServiceStatus.HEALTHY);
        other.close();
        var check = other.check();
        assertThat(check.status()).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(check.detail()).contains("closed");
        assertThatThrownBy(() -> new AlertRepository(other).active())
                .isInstanceOf(DependencyUnavailableException.class);
        assertThat(database.check().status()).as("other pools are unaffected").isEqualTo(ServiceStatus.HEALTHY);
    }
}
