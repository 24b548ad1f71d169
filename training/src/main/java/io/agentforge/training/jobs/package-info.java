/**
 * The job system: {@link io.agentforge.training.jobs.TrainingJobs} (the in-process
 * {@link io.agentforge.contracts.training.TrainingService}) queues jobs in the Training service's tables
 * ({@link io.agentforge.training.jobs.JobStore} for job records, {@link io.agentforge.training.jobs.JobQueue} for
 * claims and leases, {@link io.agentforge.training.jobs.JobMetricHistory} for the metric history; the schema is
 * {@code db/training}), and the {@link io.agentforge.training.jobs.JobScheduler} claims them under leases, runs each
 * in a worker process, turns its messages into bus events and metric history, and recovers jobs whose owner died.
 * Depends on the contracts, the platform's persistence, the worker protocol and the supervisor; never on HTTP.
 */
package io.agentforge.training.jobs;
