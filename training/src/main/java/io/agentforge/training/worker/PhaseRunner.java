package io.agentforge.training.worker;

/**
 * The work of one phase in a worker: it receives the job's spec (parameters, job directory), its verified input
 * models, the progress channel and the stop signal; it checkpoints into the job directory so that a restarted worker
 * continues, and at the end leaves its output models and {@code phase_stats.json} there and sends
 * {@link WorkerMessage.Completed}. Returns the worker's exit code.
 */
@FunctionalInterface
public interface PhaseRunner {

    int run(PhaseContext context) throws Exception;
}
