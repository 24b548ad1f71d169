package io.agentforge.monitoring.alert;

import io.agentforge.monitoring.MonitoringServer;
import io.agentforge.platform.persistence.Database;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The AlertRepository contract on the embedded default: an H2 file in a fresh data directory. */
class H2AlertRepositoryTest extends AlertRepositoryContract {
    @TempDir
    static Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dataDir, MonitoringServer.SCHEMA);
    }

    @Override
    protected boolean expectsPostgres() {
        return false;
    }
}
