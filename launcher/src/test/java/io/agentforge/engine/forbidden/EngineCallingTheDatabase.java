package io.agentforge.engine.forbidden;

import java.sql.Connection;
import java.sql.SQLException;

/** Breaks the rules on purpose (engine to JDBC), for ArchitectureRulesFailTest; a test class, never shipped. */
public final class EngineCallingTheDatabase {
    private EngineCallingTheDatabase() {
    }

    public static boolean valid(Connection connection) throws SQLException {
        return connection.isValid(1);
    }
}
