package io.agentforge.launcher.config;

import java.util.List;

/**
 * One or more environment variables hold values that cannot be used. The message is one line naming each variable and
 * the form it expects, so that the launcher can print it as is and stop before anything starts.
 */
public final class ConfigException extends RuntimeException {
    private final List<Problem> problems;

    ConfigException(List<Problem> problems) {
        super(String.join("; ", problems.stream().map(Problem::toString).toList()));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every malformed variable, in the order they were read. */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * One malformed variable.
     *
     * @param variable the environment variable, e.g. {@code MAX_CONCURRENT_JOBS}
     * @param expected what would have been accepted, e.g. "a positive integer"
     * @param actual   what was found, already made safe to print (credentials masked)
     */
    public record Problem(String variable, String expected, String actual) {
        @Override
        public String toString() {
            return variable + ": expected " + expected + ", got \"" + actual + "\"";
        }
    }
}
