package io.agentforge.platform.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The AlertRepository contract on the embedded default: an H2 file in a fresh data directory. */
class H2AlertRepositoryTest extends AlertRepositoryContract {
    @TempDir
    static Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dataDir);
    }

    @Override
    protected boolean expectsPostgres() {
        return false;
    }
}
