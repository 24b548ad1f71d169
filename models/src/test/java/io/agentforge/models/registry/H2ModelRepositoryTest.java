package io.agentforge.models.registry;

import io.agentforge.models.ModelServer;
import io.agentforge.platform.persistence.Database;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The ModelRepository contract on the embedded default: an H2 file in a fresh data directory. */
class H2ModelRepositoryTest extends ModelRepositoryContract {
    @TempDir
    static Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dataDir, ModelServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return false;
    }
}
