package io.agentforge.platform.persistence;

import java.sql.SQLException;

/**
 * A SQL failure that is neither bad input nor an unreachable database: a broken invariant or a bug (HTTP 500).
 * The SQL state is kept so that callers and logs can tell which constraint was hit.
 */
public final class DatabaseException extends RuntimeException {
    public DatabaseException(SQLException cause) {
        super(cause.getMessage() + (cause.getSQLState() == null ? "" : " [SQL state " + cause.getSQLState() + "]"),
                cause);
    }

    /** The SQL state of the failure, e.g. {@code 23505} for a unique violation; may be null. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
