package io.agentforge.contracts.pipeline;

/**
 * Pipeline runs, kept by the Training service in its store: a run survives a restart of the process that drives it
 * and is driven by one replica at a time. In-process in the all-in-one start, an HTTP client of port 8001 in
 * distributed mode; both throw the same {@link io.agentforge.contracts.errors.ServiceException}s.
 */
public interface PipelineService {
    /**
     * Validates the request for every phase (an unknown phase or parameter is a 400 naming it) and starts a run.
     *
     * @throws io.agentforge.contracts.errors.ConflictException when a run or a job of one of the phases is active
     */
    PipelineStatus run(PipelineRequest request);

    /** The current run, or the last one that ended; {@code idle} when there is none since the last reset. */
    PipelineStatus status();

    /**
     * Stops the running run: its current job is cancelled and the run ends {@code cancelled}; its report stays.
     *
     * @throws io.agentforge.contracts.errors.ConflictException when no run is running
     */
    PipelineStatus stop();

    /** Stops a running run, cancels every active phase job and clears the pipeline's state; models are kept. */
    PipelineStatus reset();

    /**
     * The current or last run's report: each phase's proof numbers, the lineage and sizes.
     *
     * @throws io.agentforge.contracts.errors.NotFoundException when there is no run since the last reset
     */
    PipelineReport report();
}
