package io.agentforge.monitoring.alert;

import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;

/** The AlertRepository contract on a real PostgreSQL, reached through a DATABASE_URL of the usual URL form. */
class PostgresAlertRepositoryTest extends AlertRepositoryContract {
    private final PostgresServerFixture.Target target = PostgresServerFixture.freshDatabase();

    @Override
    protected Database openDatabase() {
        return Database.open(target.url(), null, MonitoringServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return true;
    }
}
