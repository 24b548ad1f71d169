package io.agentforge.training.jobs;

import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;

import java.nio.file.Path;

/**
 * A Training service instance in a process of its own, so that a test can {@code kill -9} it:
 * {@code TrainingInstanceMain <database-url> <data-dir> <max-concurrent-jobs>}. Prints {@code ready} once its
 * scheduler runs.
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
}
