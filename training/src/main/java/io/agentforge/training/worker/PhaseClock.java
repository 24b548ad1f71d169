package io.agentforge.training.worker;

import io.agentforge.contracts.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The job's wall time, from its first worker's start to its stats (pauses and restarts included, since a job that
 * stopped still took that long), kept in the job directory so that a restarted worker counts from the same start;
 * and the {@code phase_stats.json} that ends a phase run.
 */
final class PhaseClock {
    static final String STARTED_FILE = "started_at";
    static final String STATS_FILE = "phase_stats.json";

    private final Instant started;

    private PhaseClock(Instant started) {
        this.started = started;
    }

    static PhaseClock start(Path jobDir) throws IOException {
        var file = jobDir.resolve(STARTED_FILE);
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(jobDir);
            Files.writeString(file, Instant.now().toString());
        }
        return new PhaseClock(Instant.parse(Files.readString(file).trim()));
    }

    double seconds() {
        return Duration.between(started, Instant.now()).toMillis() / 1000.0;
    }

    /** Writes {@code phase_stats.json} into the job directory, beside the models' directories, atomically. */
    static void writeStats(Path jobDir, Map<String, Object> stats) throws IOException {
        var temporary = jobDir.resolve(STATS_FILE + ".tmp");
        Files.writeString(temporary, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(stats));
        Files.move(temporary, jobDir.resolve(STATS_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
