package io.agentforge.training.jobs;

import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The job tables contract on the embedded default: an H2 file in a fresh data directory. */
class H2JobTablesTest extends JobTablesContract {
    @TempDir
    static Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dataDir, TrainingServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return false;
    }
}
