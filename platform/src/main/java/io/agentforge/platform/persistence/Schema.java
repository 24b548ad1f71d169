package io.agentforge.platform.persistence;

import java.util.regex.Pattern;

/**
 * The tables one service owns: its Flyway migrations live in {@code classpath:db/<name>} (in that service's jar) and
 * their history in the table {@code <name>_schema_history}, so that each service's schema evolves on its own, and a
 * process migrates only the schemas of the services it runs. The few that suit one database product only live in
 * {@code classpath:db-h2/<name>} or {@code classpath:db-postgresql/<name>} and share the versions of the others.
 *
 * @param name lower-case letters, e.g. {@code training}
 */
public record Schema(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z]+");

    /** The table every service shares ({@code persistence_locks}); always migrated first. */
    static final Schema PLATFORM = new Schema("platform");

    public Schema {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A schema name is lower-case letters, not " + name);
        }
    }

    /** Where this schema's migrations are for the embedded H2 database or PostgreSQL. */
    String[] locations(boolean postgres) {
        var vendor = (postgres ? "db-postgresql/" : "db-h2/") + name;
        // Flyway warns about a location that does not exist; most schemas have no migration of one product only.
        return Schema.class.getClassLoader().getResource(vendor) == null
                ? new String[] {"classpath:db/" + name}
                : new String[] {"classpath:db/" + name, "classpath:" + vendor};
    }

    String historyTable() {
        return name + "_schema_history";
    }
}
