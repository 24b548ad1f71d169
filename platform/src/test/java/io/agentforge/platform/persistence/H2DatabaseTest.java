package io.agentforge.platform.persistence;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What only the embedded database does (the contract of every database is {@link DatabaseTest}). */
class H2DatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void aSecondProcessSharesTheEmbeddedFileWhileThisOneHoldsIt() throws Exception {
        try (var database = Database.open(null, dataDir, DatabaseTest.NOTES)) {
            runSecondProcess();
            assertThat(DatabaseTest.count(database, "notes WHERE id = 'from-child'")).isEqualTo(1);
        }
    }

    private void runSecondProcess() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                H2SecondProcess.class.getName(), dataDir.toString(), "from-child")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("child.log").toFile())
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as("child exit code; see child.log").isZero();
    }

    /**
     * The pool retires every connection after its lifetime (30 min) and opens new ones. H2 2.4.240 kept a CHECK
     * constraint's value set bound to the session that created it, so once that connection was closed every write to
     * the table failed ("database has been closed", under "check constraint invalid") until the process restarted:
     * the all-in-one server lost its job table half an hour into a long run. Here the table is created on a
     * connection of its own that is closed at once, as the pool closes a retired one.
     */
    @Test
    void checkConstraintsStillWorkAfterTheConnectionThatCreatedThemIsClosed() throws Exception {
        try (var database = Database.open(null, dataDir, DatabaseTest.NOTES)) {
            var url = ((HikariDataSource) database.dataSource()).getJdbcUrl();
            try (var creator = DriverManager.getConnection(url, "sa", ""); var statement = creator.createStatement()) {
                statement.execute("CREATE TABLE chips (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL"
                        + " CHECK (status IN ('queued', 'running', 'completed')))");
                statement.execute("INSERT INTO chips VALUES (1, 'queued')");
            }

            int updated = database.inTransaction(connection -> connection.createStatement().executeUpdate(
                    "UPDATE chips SET status = 'running' WHERE id = 1"));

            assertThat(updated).isEqualTo(1);
            assertThat(DatabaseTest.count(database, "chips WHERE status = 'running'")).isEqualTo(1);
        }
    }

    @Test
    void theFileLivesInTheDataDirectory() {
        try (var ignored = Database.open(null, dataDir, DatabaseTest.NOTES)) {
            assertThat(dataDir.resolve("agentforge.mv.db")).exists();
        }
    }
}
