package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.pipeline.PipelineReport;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.pipeline.PipelineService;
import io.agentforge.contracts.pipeline.PipelineStatus;

/**
 * The Training service's pipeline reached over HTTP (distributed mode), through its {@code /pipeline} routes on port
 * 8001. Starting a run is not retried (a retry after a lost answer would meet the run it started: 409); stop and
 * reset are idempotent in effect and are.
 */
final class RemotePipelineService implements PipelineService {
    private static final TypeReference<PipelineStatus> STATUS = new TypeReference<>() {
    };
    private final ServiceClient client;

    RemotePipelineService(ServiceClient client) {
        this.client = client;
    }

    @Override
    public PipelineStatus run(PipelineRequest request) {
        return client.post("/pipeline/run", request == null ? PipelineRequest.empty() : request, false, STATUS);
    }

    @Override
    public PipelineStatus status() {
        return client.get("/pipeline/status", STATUS);
    }

    @Override
    public PipelineStatus stop() {
        return client.post("/pipeline/stop", null, false, STATUS);
    }

    @Override
    public PipelineStatus reset() {
        return client.post("/pipeline/reset", null, true, STATUS);
    }

    @Override
    public PipelineReport report() {
        return client.get("/pipeline/report", new TypeReference<PipelineReport>() {
        });
    }
}
