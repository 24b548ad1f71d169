package io.agentforge.platform.persistence;

import java.sql.SQLException;

/**
 * A SQL failure that is neither bad input nor an unreachable database: a broken invariant or a bug (HTTP 500).
 * The message carries the SQL state, so that logs tell which constraint was hit.
 */
public final class DatabaseException extends RuntimeException {
    public DatabaseException(SQLException cause) {
        super(cause.getMessage() + (cause.getSQLState() == null ? "" : " [SQL state " + cause.getSQLState() + "]"),
                cause);
    }
}
