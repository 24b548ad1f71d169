package io.agentforge.platform.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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

    @Test
    void theFileLivesInTheDataDirectory() {
        try (var ignored = Database.open(null, dataDir, DatabaseTest.NOTES)) {
            assertThat(dataDir.resolve("agentforge.mv.db")).exists();
        }
    }
}
