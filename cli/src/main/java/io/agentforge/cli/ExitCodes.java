package io.agentforge.cli;

/**
 * The exit codes of {@code forge}, the contract scripts rely on (DASHBOARD.md section 5). A followed run exits with
 * the code of its terminal state.
 */
public final class ExitCodes {
    public static final int COMPLETED = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int CANCELLED = 3;
    /** {@code --timeout} reached; the run goes on. */
    public static final int TIMEOUT = 4;
    public static final int UNREACHABLE = 5;
    /** Ctrl-C: the client detached, the run goes on (128 + SIGINT, as shells report it). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
