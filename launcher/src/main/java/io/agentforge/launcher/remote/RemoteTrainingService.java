package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Page;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineService;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricBuckets;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.contracts.training.TrainingService;

import java.util.List;
import java.util.Set;

/**
 * The Training service reached over HTTP (distributed mode), through its REST routes on port 8001.
 */
public final class RemoteTrainingService implements TrainingService {
    private static final TypeReference<TrainingJob> JOB = new TypeReference<>() {
    };
    private final ServiceClient client;
    private final RemotePipelineService pipeline;

    public RemoteTrainingService(ServiceClient client) {
        this.client = client;
        this.pipeline = new RemotePipelineService(client);
    }

    @Override
    public PipelineService pipeline() {
        return pipeline;
    }

    @Override
    public String name() {
        return "training";
    }

    @Override
    public HealthReport health() {
        return client.getPlain("/health", HealthReport.class);
    }

    @Override
    public TrainingJob submit(JobRequest request) {
        return client.post("/jobs", request, false, JOB);
    }

    @Override
    public TrainingJob job(String jobId) {
        return client.get("/jobs/" + Paths.segment(jobId), JOB);
    }

    @Override
    public Page<TrainingJob> jobs(JobQuery query) {
        var path = Paths.query("/jobs", "phase", query.phase(), "status", query.status(),
                "offset", query.page().offset(), "limit", query.page().limit());
        return client.get(path, new TypeReference<Page<TrainingJob>>() {
        });
    }

    @Override
    public TrainingJob cancel(String jobId) {
        return client.delete("/jobs/" + Paths.segment(jobId), JOB);
    }

    @Override
    public TrainingJob pause(String jobId) {
        return client.post("/jobs/" + Paths.segment(jobId) + "/pause", null, true, JOB);
    }

    @Override
    public TrainingJob resume(String jobId) {
        return client.post("/jobs/" + Paths.segment(jobId) + "/resume", null, true, JOB);
    }

    @Override
    public Set<ModelPhase> implementedPhases() {
        return client.get("/phases/implemented", new TypeReference<Set<ModelPhase>>() {
        });
    }

    @Override
    public List<TrainingProgress> metrics(String jobId) {
        return client.get("/jobs/" + Paths.segment(jobId) + "/metrics", new TypeReference<List<TrainingProgress>>() {
        });
    }

    @Override
    public MetricBuckets metricBuckets(String jobId, MetricWindow window) {
        var path = Paths.query("/jobs/" + Paths.segment(jobId) + "/metrics", "buckets", window.buckets(),
                "from", window.from(), "to", window.to(),
                "metric", window.metrics().isEmpty() ? null : String.join(",", window.metrics()));
        return client.get(path, new TypeReference<MetricBuckets>() {
        });
    }
}
