package io.agentforge.models.registry;

import io.agentforge.models.ModelServer;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;

/** The ModelRepository contract on a real PostgreSQL, reached through a DATABASE_URL of the usual URL form. */
class PostgresModelRepositoryTest extends ModelRepositoryContract {
    private final PostgresServerFixture.Target target = PostgresServerFixture.freshDatabase();

    @Override
    protected Database openDatabase() {
        return Database.open(target.url(), null, ModelServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return true;
    }
}
