package io.agentforge.platform.persistence;

import java.nio.file.Path;

/** A second JVM on the same embedded data directory: opens it, writes one note, exits. Run by H2DatabaseTest. */
final class H2SecondProcess {
    private H2SecondProcess() {
    }

    public static void main(String[] args) {
        try (var database = Database.open(null, Path.of(args[0]), DatabaseTest.NOTES)) {
            database.withConnection(connection -> {
                try (var insert = connection.prepareStatement("INSERT INTO notes (id, body) VALUES (?, 'child')")) {
                    insert.setString(1, args[1]);
                    return insert.executeUpdate();
                }
            });
        }
    }
}
