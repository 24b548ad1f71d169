package io.agentforge.training;

import java.util.List;
import java.util.Optional;

/**
 * @param maxConcurrentJobs  jobs run at the same time by one Training service
 * @param cudaVisibleDevices the devices named by {@code CUDA_VISIBLE_DEVICES}; empty when unset, an empty list when set
 *                           to nothing (CUDA's way of hiding every GPU)
 */
public record TrainingServiceConfig(int port, int maxConcurrentJobs, Optional<List<String>> cudaVisibleDevices) {
    public TrainingServiceConfig {
        cudaVisibleDevices = cudaVisibleDevices.map(List::copyOf);
    }
}
