package io.agentforge.platform.persistence;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.testing.PersistenceContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening, migrating, transactions and health of a database, with the test schema {@code notes} (one table) standing
 * in for a service's; run on H2 and on PostgreSQL.
 */
class DatabaseTest extends PersistenceContract {
    static final Schema NOTES = new Schema("notes");

    DatabaseTest() {
        super(NOTES, "notes");
    }

    @Test
    void reopeningFindsTheSchemaCurrentAndTheDataKept() throws SQLException {
        execute("INSERT INTO notes (id, body) VALUES ('kept', 'hello')");
        try (var reopened = openDatabase()) {
            assertThat(count(reopened, "notes WHERE id = 'kept'")).isEqualTo(1);
            assertThat(count(reopened, "notes_schema_history WHERE success AND version = '1'"))
                    .as("the schema's V1 applied exactly once").isEqualTo(1);
            assertThat(count(reopened, "platform_schema_history WHERE success AND version = '1'"))
                    .as("the shared table's V1 applied exactly once").isEqualTo(1);
        }
    }

    @Test
    void eachSchemaKeepsItsOwnHistory() {
        assertThat(count(database, "notes_schema_history WHERE script = 'V1__notes.sql'")).isEqualTo(1);
        assertThat(count(database, "platform_schema_history WHERE script LIKE '%notes%'")).isZero();
        assertThat(count(database, "persistence_locks")).as("the shared table exists").isNotNegative();
    }

    @Test
    void aMigrationOfOneDatabaseProductRunsOnItAloneInTheSchemasHistory() {
        var mine = expectsPostgres() ? "notes_postgresql_only" : "notes_h2_only";
        var other = expectsPostgres() ? "notes_h2_only" : "notes_postgresql_only";
        assertThat(count(database, "notes_schema_history WHERE success AND version = '2' AND script LIKE '%"
                + mine + "%'")).isEqualTo(1);
        assertThat(count(database, "information_schema.tables WHERE table_name = '" + mine + "'")).isEqualTo(1);
        assertThat(count(database, "information_schema.tables WHERE table_name = '" + other + "'")).isZero();
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
                statement.executeUpdate("INSERT INTO notes (id, body) VALUES ('half', 'written')");
            }
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(count("notes")).isZero();

        assertThatThrownBy(() -> database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO notes (id, body) VALUES ('half', 'written')");
                statement.executeUpdate("INSERT INTO notes (id, body) VALUES ('bad', 'forbidden')");
            }
            return null;
        })).isInstanceOf(DatabaseException.class);
        assertThat(count("notes")).isZero();
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
        assertThatThrownBy(() -> count(other, "notes")).isInstanceOf(DependencyUnavailableException.class);
        assertThat(database.check().status()).as("other pools are unaffected").isEqualTo(ServiceStatus.HEALTHY);
    }

    static long count(Database database, String from) {
        return database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT COUNT(*) FROM " + from)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }
}
