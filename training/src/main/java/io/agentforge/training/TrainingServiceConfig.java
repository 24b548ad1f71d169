package io.agentforge.training;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param maxConcurrentJobs  jobs run at the same time by one Training service
 * @param cudaVisibleDevices the devices named by {@code CUDA_VISIBLE_DEVICES}; empty when unset, an empty list when set
 *                           to nothing (CUDA's way of hiding every GPU)
 * @param jobLease           {@code JOB_LEASE}: how long a claim on a job or a pipeline run holds without renewal, and
 *                           so how soon another replica continues the work of one that died
 */
public record TrainingServiceConfig(int port, int maxConcurrentJobs, Optional<List<String>> cudaVisibleDevices,
                                    Duration jobLease) {
    /** The production lease, {@code JOB_LEASE}'s default. */
    public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(30);

    public TrainingServiceConfig {
        cudaVisibleDevices = cudaVisibleDevices.map(List::copyOf);
    }

    /** With the default lease. */
    public TrainingServiceConfig(int port, int maxConcurrentJobs, Optional<List<String>> cudaVisibleDevices) {
        this(port, maxConcurrentJobs, cudaVisibleDevices, DEFAULT_JOB_LEASE);
    }
}
