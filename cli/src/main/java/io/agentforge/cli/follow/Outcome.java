package io.agentforge.cli.follow;

import io.agentforge.cli.ExitCodes;

/**
 * How following ended: the run's terminal status with its exit code, or the reason the client stopped while the run
 * goes on (timeout, detach).
 *
 * @param status      {@code completed}, {@code failed}, {@code cancelled}, or the run's status when the client stopped
 * @param reason      null for a terminal status; {@code timeout}, {@code detached} or {@code unreachable} otherwise
 * @param lastEventId the last event seen, to resume with {@code --since}
 */
public record Outcome(String status, String reason, int exitCode, String message, String lastEventId) {

    /** The outcome of a run in a final status; null when the status is not final. */
    public static Outcome ofStatus(String status, String message, String lastEventId) {
        var code = switch (status) {
            case "completed" -> ExitCodes.COMPLETED;
            case "failed", "partial" -> ExitCodes.FAILED;
            case "cancelled" -> ExitCodes.CANCELLED;
            default -> -1;
        };
        return code < 0 ? null : new Outcome(status, null, code, message, lastEventId);
    }

    public static Outcome stopped(String reason, int exitCode, String message, String lastEventId) {
        return new Outcome("running", reason, exitCode, message, lastEventId);
    }

    /** Whether the run reached a final status (rather than the client stopping while it goes on). */
    public boolean terminal() {
        return reason == null;
    }
}
