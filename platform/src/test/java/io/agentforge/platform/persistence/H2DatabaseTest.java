package io.agentforge.platform.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Database contract on the embedded default: an H2 file in a fresh data directory. */
class H2DatabaseTest extends DatabaseContract {
    @TempDir
    static Path dataDir;

    @Override
    protected Database openDatabase() {
        return Database.open(null, dataDir, NOTES);
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
        assertThat(count(database, "notes WHERE id = 'from-child'")).isEqualTo(1);
    }

    @Test
    void theFileLivesInTheDataDirectory() {
        assertThat(dataDir.resolve("agentforge.mv.db")).exists();
    }
}
