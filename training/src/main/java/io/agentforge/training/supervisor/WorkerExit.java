package io.agentforge.training.supervisor;

import io.agentforge.training.worker.WorkerMessage;

/**
 * How a worker ended.
 *
 * @param exitCode the process's exit code (137 after a SIGKILL)
 * @param last     its last terminal message ({@code completed}, {@code stopped} or {@code failed}), or null when it
 *                 died without one
 * @param logTail  the last lines of its log, for the job's error message
 */
public record WorkerExit(int exitCode, WorkerMessage last, String logTail) {

    public boolean completed() {
        return last instanceof WorkerMessage.Completed;
    }

    public boolean stopped() {
        return last instanceof WorkerMessage.Stopped;
    }

    /** Whether starting the worker again could help: not after a failure the worker itself called final. */
    public boolean retryable() {
        return !(last instanceof WorkerMessage.Failed failed) || failed.retryable();
    }

    /** A one-line reason for a worker that neither completed nor stopped. */
    public String reason() {
        return switch (last) {
            case WorkerMessage.Failed failed -> failed.reason();
            case null -> "worker exited with code " + exitCode + " without a result"
                    + (exitCode == 137 || exitCode == 9 ? " (killed)" : "");
            default -> "worker exited with code " + exitCode;
        };
    }
}
