package io.agentforge.bench.api;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.training.jobs.JobMetricHistory;
import io.agentforge.training.jobs.JobStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The read side of the Training service straight over its job tables (the same tables and queries the Training
 * service answers from), so the benchmark measures the API's reads on a real database without running workers.
 * The write calls are not part of a read benchmark and refuse.
 */
final class StoredJobs implements TrainingService {
    private final JobStore jobs;
    private final JobMetricHistory history;

    StoredJobs(JobStore jobs, JobMetricHistory history) {
        this.jobs = jobs;
        this.history = history;
    }

    @Override
    public TrainingJob job(String jobId) {
        return jobs.find(jobId);
    }

    @Override
    public Page<TrainingJob> jobs(JobQuery query) {
        return jobs.list(query);
    }

    @Override
    public java.util.Set<io.agentforge.contracts.phases.ModelPhase> implementedPhases() {
        return java.util.Set.of(io.agentforge.contracts.phases.ModelPhase.COGNATE);
    }

    @Override
    public List<TrainingProgress> metrics(String jobId) {
        return history.metrics(jobId);
    }

    @Override
    public TrainingJob submit(JobRequest request) {
        throw new UnsupportedOperationException("the read benchmark starts no jobs");
    }

    @Override
    public TrainingJob cancel(String jobId) {
        throw new UnsupportedOperationException("the read benchmark cancels no jobs");
    }

    @Override
    public TrainingJob pause(String jobId) {
        throw new UnsupportedOperationException("the read benchmark pauses no jobs");
    }

    @Override
    public TrainingJob resume(String jobId) {
        throw new UnsupportedOperationException("the read benchmark resumes no jobs");
    }

    @Override
    public String name() {
        return "training";
    }

    @Override
    public HealthReport health() {
        return new HealthReport("training", ServiceStatus.HEALTHY, Map.of(), 0, Instant.now());
    }
}
