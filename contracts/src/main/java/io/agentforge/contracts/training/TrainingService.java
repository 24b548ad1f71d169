package io.agentforge.contracts.training;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.errors.NotImplementedException;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineService;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Training service: a persistent queue of training jobs run by worker processes. In-process in the all-in-one
 * start, an HTTP client of port 8001 in distributed mode; both throw the same
 * {@link io.agentforge.contracts.errors.ServiceException}s.
 */
public interface TrainingService extends Service {
    /** Validates and queues a job; it runs when a slot is free. */
    TrainingJob submit(JobRequest request);

    /** @throws NotFoundException for an unknown id */
    TrainingJob job(String jobId);

    Page<TrainingJob> jobs(JobQuery query);

    /**
     * Cancels a pending or running job; a running worker checkpoints and exits.
     *
     * @throws io.agentforge.contracts.errors.ConflictException when the job is already final
     */
    TrainingJob cancel(String jobId);

    /** Stops a running job at a checkpoint without finishing it; {@link #resume} continues from there. */
    TrainingJob pause(String jobId);

    TrainingJob resume(String jobId);

    /** Every progress point recorded for the job, oldest first. */
    List<TrainingProgress> metrics(String jobId);

    /** The phases this service can run; {@link #submit} answers 501 for the others. */
    Set<ModelPhase> implementedPhases();

    /**
     * The job's metric history in the window, at most {@code window.buckets()} points per series as min, max and last
     * per bucket. This default folds the full history; a service that keeps the history nearby answers faster.
     *
     * @throws io.agentforge.contracts.errors.NotFoundException for an unknown id
     */
    default MetricBuckets metricBuckets(String jobId, MetricWindow window) {
        return MetricBuckets.of(jobId, metrics(jobId), window);
    }

    /**
     * The pipeline runs this service keeps and drives (they live in its store, beside the jobs they queue). A
     * service that drives no pipeline answers 501.
     */
    default PipelineService pipeline() {
        throw new NotImplementedException("this Training service runs no pipeline",
                Map.of());
    }
}
