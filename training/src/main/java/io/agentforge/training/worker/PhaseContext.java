package io.agentforge.training.worker;

import java.util.List;

/**
 * What a {@link PhaseRunner} works with.
 *
 * @param inputs  the models handed to this phase, downloaded and checksum-verified, in handoff order
 * @param subJobs how to hand work to the shared queue ({@link SubJobs#none()} when nothing queues it)
 */
public record PhaseContext(WorkerSpec spec, List<InputModel> inputs, WorkerChannel channel, StopSignal stop,
                           SubJobs subJobs) {

    public PhaseContext {
        inputs = List.copyOf(inputs);
    }

    /** A run that does all its work itself. */
    public PhaseContext(WorkerSpec spec, List<InputModel> inputs, WorkerChannel channel, StopSignal stop) {
        this(spec, inputs, channel, stop, SubJobs.none());
    }
}
