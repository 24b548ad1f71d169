package io.agentforge.training.jobs;

import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Training service instance in a process of its own, so that a test can {@code kill -9} it:
 * {@code TrainingInstanceMain <database-url> <data-dir> <max-concurrent-jobs>}. Prints {@code ready} once its
 * scheduler runs. Tests start it with {@link #startProcess}.
 */
public final class TrainingInstanceMain {
    private TrainingInstanceMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        var dataDir = Path.of(args[1]);
        var database = Database.open(args[0], dataDir.resolve("db"), TrainingServer.SCHEMA);
        var settings = JobSystemFixture.settings(dataDir, Integer.parseInt(args[2]), 3);
        TrainingJobs.start(database, new InProcessEventBus(), new ModelShelf(dataDir.resolve("models")), settings);
        System.out.println("ready");
        Thread.currentThread().join();
    }

    /**
     * Starts an instance with two job slots on the database and the data directory, and returns once it is ready;
     * one that dies first fails the start with its log.
     */
    static Process startProcess(String databaseUrl, Path dir) throws IOException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var log = dir.resolve("instance.log");
        var process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TrainingInstanceMain.class.getName(), databaseUrl, dir.toString(), "2"))
                .redirectError(log.toFile()).start();
        try {
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
            String line;
            // Logging libraries may print their own start-up status to stdout first.
            while ((line = reader.readLine()) != null && !line.equals("ready")) {
                continue;
            }
            if (line == null) {
                throw new IllegalStateException("the Training instance ended before it was ready:\n"
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            // Keep reading, so that a full pipe never blocks the instance.
            Thread.ofVirtual().start(() -> reader.lines().forEach(ignored -> { }));
            return process;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
