package io.agentforge.training.jobs;

import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.training.worker.SubJobTask;

import java.time.Instant;

/**
 * A training job as the queue sees it: what clients see ({@link TrainingJob}) plus what only the Training service
 * needs to schedule, fence and recover it.
 *
 * @param priority       higher is claimed first among pending jobs
 * @param totalSteps     steps the run will take, as last reported (the config's max_steps at first)
 * @param attempts       how often the job was put back in the queue after a failed or lost run
 * @param leaseOwner     the replica running it, or null when not running
 * @param leaseExpiresAt when the owner's lease runs out unless renewed, or null when not running
 * @param checkpointPath the last checkpoint the run saved, from which a retry or resume continues; may be null
 * @param paused         a paused job stays pending but is not claimed until resumed
 * @param traceparent    the W3C trace context of the request that submitted it, or null
 * @param parentJobId    for a sub-job, the job that queued it; null for a phase job
 * @param task           for a sub-job, what it is to do; null for a phase job
 */
record QueuedJob(TrainingJob job, int priority, int totalSteps, int attempts, String leaseOwner,
                        Instant leaseExpiresAt, String checkpointPath, boolean paused, String traceparent,
                        String parentJobId, SubJobTask task) {
    public String jobId() {
        return job.jobId();
    }

    /** A part of another job's work, which no client submitted and no list shows. */
    boolean isSubJob() {
        return parentJobId != null;
    }
}
