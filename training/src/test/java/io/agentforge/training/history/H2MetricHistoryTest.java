package io.agentforge.training.history;

import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The bucketed history on the embedded default: an H2 file in a fresh data directory per test. */
class H2MetricHistoryTest extends MetricHistoryContract {
    @TempDir
    Path dir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dir, TrainingServer.SCHEMA);
    }
}
