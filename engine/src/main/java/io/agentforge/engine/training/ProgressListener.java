package io.agentforge.engine.training;

/** Called by the trainer after every step, on the training thread: keep it quick. */
@FunctionalInterface
public interface ProgressListener {

    void onStep(StepProgress progress);

    static ProgressListener none() {
        return progress -> {
        };
    }
}
