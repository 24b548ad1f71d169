package io.agentforge.platform.persistence;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.platform.testing.PostgresServerFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only PostgreSQL does (the contract of every database is {@link DatabaseTest}). */
class PostgresDatabaseTest {
    @Test
    void aJdbcUrlOpensTheSameDatabase() {
        var target = PostgresServerFixture.freshDatabase();
        try (var viaJdbc = Database.open(target.jdbcUrl(), null)) {
            assertThat(viaJdbc.isPostgres()).isTrue();
            assertThat(viaJdbc.check().status()).isEqualTo(ServiceStatus.HEALTHY);
        }
    }

    @Test
    void checkIsUnhealthyWhenTheServerStops() throws Exception {
        // A server of its own: stopping the shared one would fail every other PostgreSQL test.
        var server = EmbeddedPostgres.builder().start();
        var database = Database.open("postgresql://postgres:postgres@localhost:" + server.getPort() + "/postgres",
                null);
        try {
            assertThat(database.check().status()).isEqualTo(ServiceStatus.HEALTHY);
            server.close();
            var check = database.check();
            assertThat(check.status()).isEqualTo(ServiceStatus.UNHEALTHY);
            assertThat(check.detail()).isNotBlank();
            assertThat(check.responseTime()).isLessThan(3_000);
        } finally {
            database.close();
            server.close();
        }
    }

    @Test
    void anUnreachableServerFailsTheOpenAsUnavailable() {
        assertThatThrownBy(() -> Database.open("postgresql://postgres:x@localhost:1/none", null))
                .isInstanceOf(DependencyUnavailableException.class).hasMessageContaining("database");
    }
}
