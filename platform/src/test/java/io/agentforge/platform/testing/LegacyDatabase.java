package io.agentforge.platform.testing;

import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Schema;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A database as an earlier Agent Forge created it: before each service owned its tables, one Flyway history
 * ({@code flyway_schema_history}) over the migrations of that time, kept unchanged in {@code db/legacy} of this
 * test-jar ({@link #create}); or with a history per schema, as far as a given version of one schema
 * ({@link #createAt}). The services' upgrade tests fill it with rows as the old code wrote them, open it with today's
 * {@link Database#open} and read the rows back through today's repositories.
 */
public final class LegacyDatabase {
    /** Where the database lives. */
    public enum Backend { H2, POSTGRESQL }

    private final String jdbcUrl;
    private final String databaseUrl;
    private final Path dataDir;

    private LegacyDatabase(String jdbcUrl, String databaseUrl, Path dataDir) {
        this.jdbcUrl = jdbcUrl;
        this.databaseUrl = databaseUrl;
        this.dataDir = dataDir;
    }

    /**
     * A new database migrated by the old layout up to {@code version} (1, 2 or 3; 3 was the last).
     *
     * @param dir the data directory of the H2 file (unused for PostgreSQL, which gets a fresh database)
     */
    public static LegacyDatabase create(Backend backend, Path dir, String version) {
        var legacy = empty(backend, dir);
        Flyway.configure().dataSource(legacy.jdbcUrl, user(backend), "").locations("classpath:db/legacy")
                .target(version).load().migrate();
        return legacy;
    }

    /**
     * A new database as a release with one history per schema left it: the shared table, and the schema's common
     * migrations ({@code db/<name>}) up to {@code version}, which is all such a release ran before migrations of one
     * database product ({@code db-h2/<name>}, {@code db-postgresql/<name>}) existed.
     */
    public static LegacyDatabase createAt(Backend backend, Path dir, Schema schema, String version) {
        var database = empty(backend, dir);
        for (var location : new String[] {"platform", schema.name()}) {
            Flyway.configure().dataSource(database.jdbcUrl, user(backend), "").locations("classpath:db/" + location)
                    .table(location + "_schema_history").baselineOnMigrate(true).baselineVersion("0")
                    .target(location.equals("platform") ? "latest" : version).load().migrate();
        }
        return database;
    }

    private static LegacyDatabase empty(Backend backend, Path dir) {
        return switch (backend) {
            case H2 -> new LegacyDatabase("jdbc:h2:file:" + dir.toAbsolutePath().resolve("agentforge")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", null, dir);
            case POSTGRESQL -> {
                var target = PostgresServerFixture.freshDatabase();
                yield new LegacyDatabase(target.jdbcUrl(), target.url(), null);
            }
        };
    }

    private static String user(Backend backend) {
        return backend == Backend.H2 ? "sa" : "postgres";
    }

    /** Runs one statement on the old database with the arguments bound, as the old code would have written. */
    public void update(String sql, Object... arguments) {
        try (var connection = DriverManager.getConnection(jdbcUrl, jdbcUrl.startsWith("jdbc:h2") ? "sa" : "postgres",
                "");
             var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write to the legacy database: " + sql, e);
        }
    }

    /** The same database opened by today's code, as a process running the services of these schemas would. */
    public Database openCurrent(Schema... schemas) {
        return Database.open(databaseUrl, dataDir, schemas);
    }
}
