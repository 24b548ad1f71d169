package io.agentforge.training.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/** Progress of a phase that is one engine run: Started once, each step as Progress, checkpoints. */
final class SingleRunProgress implements ModelTrainer.StepListener {
    private final WorkerChannel channel;
    private final int totalSteps;
    private final String label;
    private volatile int lastStep;
    private boolean announced;

    SingleRunProgress(WorkerChannel channel, int totalSteps, String label) {
        this.channel = channel;
        this.totalSteps = totalSteps;
        this.label = label;
    }

    @Override
    public void onStart(int resumedFromStep) {
        lastStep = resumedFromStep;
        announce(resumedFromStep);
    }

    void announce(int step) {
        if (!announced) {
            announced = true;
            channel.send(new WorkerMessage.Started(totalSteps, step, ProcessHandle.current().pid()));
        }
    }

    @Override
    public void onStep(int step, Map<String, Double> metrics) {
        lastStep = step;
        channel.send(new WorkerMessage.Progress(step, totalSteps, label + ": step " + step,
                new LinkedHashMap<>(metrics)));
    }

    @Override
    public void onCheckpoint(int step) {
        channel.send(new WorkerMessage.Checkpointed(step));
    }

    int lastStep() {
        return lastStep;
    }
}
