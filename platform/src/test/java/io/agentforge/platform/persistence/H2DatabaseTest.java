package io.agentforge.platform.persistence;

import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.phases.ModelPhase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Database contract on the embedded default: an H2 file in a fresh data directory. */
class H2DatabaseTest extends DatabaseContract {
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

    @Test
    void aSecondProcessSharesTheEmbeddedFileWhileThisOneHoldsIt() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                H2SecondProcess.class.getName(), dataDir.toString(), "from-child")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("child.log").toFile())
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as("child exit code; see child.log").isZero();
        assertThat(new AlertRepository(database).find("from-child").service()).isEqualTo("second-process");
    }

    @Test
    void modelsStoredBeforeTheCountsTableExistedAreCounted(@TempDir Path older) throws Exception {
        var url = "jdbc:h2:file:" + older.resolve("agentforge") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("2").load().migrate();
        try (var connection = DriverManager.getConnection(url, "sa", "");
             var statement = connection.createStatement()) {
            for (var model : new String[]{"'m1', 'cognate', 'n1'", "'m2', 'cognate', 'n2'", "'m3', 'adas', 'n3'"}) {
                statement.executeUpdate("INSERT INTO models (id, phase, name, version, file_path, file_size, checksum,"
                        + " created_at, parameters, metrics) VALUES (" + model + ", 1, 'p', 1, 'c',"
                        + " CURRENT_TIMESTAMP, '{}', '{}')");
            }
        }

        try (var upgraded = Database.open(null, older)) {
            var repository = new ModelRepository(upgraded);
            assertThat(repository.countByPhase()).containsEntry(ModelPhase.COGNATE, 2L)
                    .containsEntry(ModelPhase.ADAS, 1L).containsEntry(ModelPhase.BITNET, 0L);
            assertThat(repository.list(ModelQuery.ofPhase(ModelPhase.COGNATE)).total()).isEqualTo(2);
        }
    }

    @Test
    void theFileLivesInTheDataDirectory() {
        assertThat(dataDir.resolve("agentforge.mv.db")).exists();
    }
}
