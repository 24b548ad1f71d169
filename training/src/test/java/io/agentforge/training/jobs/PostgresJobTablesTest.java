package io.agentforge.training.jobs;

import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;
import io.agentforge.training.TrainingServer;

/** The job tables contract on a real PostgreSQL, reached through a DATABASE_URL of the usual URL form. */
class PostgresJobTablesTest extends JobTablesContract {
    private final PostgresServerFixture.Target target = PostgresServerFixture.freshDatabase();

    @Override
    protected Database openDatabase() {
        return Database.open(target.url(), null, TrainingServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return true;
    }
}
