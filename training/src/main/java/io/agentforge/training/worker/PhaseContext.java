package io.agentforge.training.worker;

import java.util.List;

/**
 * What a {@link PhaseRunner} works with.
 *
 * @param inputs the models handed to this phase, downloaded and checksum-verified, in handoff order
 */
public record PhaseContext(WorkerSpec spec, List<InputModel> inputs, WorkerChannel channel, StopSignal stop) {

    public PhaseContext {
        inputs = List.copyOf(inputs);
    }
}
