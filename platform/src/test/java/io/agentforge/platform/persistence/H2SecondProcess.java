package io.agentforge.platform.persistence;

import io.agentforge.contracts.monitoring.Alert;
import io.agentforge.contracts.monitoring.Severity;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A second JVM on the same embedded data directory: opens it, writes one alert, exits. Run by H2DatabaseTest. */
final class H2SecondProcess {
    private H2SecondProcess() {
    }

    public static void main(String[] args) {
        try (var database = Database.open(null, Path.of(args[0]))) {
            new AlertRepository(database).insert(new Alert(args[1], Severity.INFO, "second-process",
                    "written by another JVM", Instant.now(), false, Map.of()), null);
        }
    }
}
