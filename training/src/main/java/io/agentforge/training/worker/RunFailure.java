package io.agentforge.training.worker;

/**
 * A run that cannot succeed as configured (its loss diverged, its data does not fit the model): the job fails at
 * once instead of being retried into the same result.
 */
public final class RunFailure extends RuntimeException {
    public RunFailure(String message) {
        super(message);
    }
}
