package io.agentforge.training.history;

import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.testing.PostgresServerFixture;
import io.agentforge.training.TrainingServer;

/** The bucketed history on a real PostgreSQL, a fresh database per test. */
class PostgresMetricHistoryTest extends MetricHistoryContract {
    @Override
    protected Database openDatabase() {
        return Database.open(PostgresServerFixture.freshDatabase().url(), null, TrainingServer.SCHEMA);
    }
}
