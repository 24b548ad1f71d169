package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.Page;
import io.agentforge.contracts.models.Generation;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelLineage;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.ModelSummary;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.phases.ModelPhase;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Model service reached over HTTP (distributed mode), through its REST routes on port 8002. The artifact of
 * {@link #save} streams as the request body; its metadata travels in the query string.
 */
public final class RemoteModelService implements ModelService {
    private static final TypeReference<ModelMetadata> MODEL = new TypeReference<>() {
    };
    private final ServiceClient client;

    public RemoteModelService(ServiceClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "models";
    }

    @Override
    public HealthReport health() {
        return client.getPlain("/health", HealthReport.class);
    }

    @Override
    public ModelMetadata save(NewModel model, InputStream artifact) {
        var path = Paths.query("/models", "name", model.name(),
                "phase", model.phase() == null ? null : model.phase().wireName(),
                "training_job_id", model.trainingJobId(),
                "tags", model.tags().isEmpty() ? null : String.join(",", model.tags()),
                "parent_model_ids", model.parentModelIds().isEmpty() ? null : String.join(",", model.parentModelIds()),
                "parameters", model.parameters().isEmpty() ? null : Json.write(model.parameters()),
                "metrics", model.metrics().isEmpty() ? null : Json.write(model.metrics()));
        return client.upload(path, () -> artifact, MODEL);
    }

    @Override
    public ModelMetadata model(String modelId) {
        return client.get("/models/" + Paths.segment(modelId), MODEL);
    }

    @Override
    public ModelLineage lineage(String modelId) {
        return client.get("/models/" + Paths.segment(modelId) + "/lineage", new TypeReference<ModelLineage>() {
        });
    }

    @Override
    public Page<ModelMetadata> models(ModelQuery query) {
        var path = Paths.query("/models", "phase", query.phase() == null ? null : query.phase().wireName(),
                "name", query.name(), "tag", query.tag(), "is_winner", query.winner(),
                "offset", query.page().offset(), "limit", query.page().limit());
        return client.get(path, new TypeReference<Page<ModelMetadata>>() {
        });
    }

    @Override
    public ModelSummary summary(ModelQuery query) {
        var path = Paths.query("/models/summary", "phase", query.phase() == null ? null : query.phase().wireName(),
                "name", query.name(), "tag", query.tag(), "is_winner", query.winner());
        return client.get(path, new TypeReference<ModelSummary>() {
        });
    }

    @Override
    public InputStream openArtifact(String modelId) {
        return client.download("/models/" + Paths.segment(modelId) + "/download");
    }

    @Override
    public void delete(String modelId) {
        client.delete("/models/" + Paths.segment(modelId), new TypeReference<Map<String, Object>>() {
        });
    }

    @Override
    public ModelMetadata markWinner(String modelId) {
        return client.post("/models/" + Paths.segment(modelId) + "/winner", null, true, MODEL);
    }

    @Override
    public List<ModelMetadata> winners() {
        return client.get("/models/winners", new TypeReference<List<ModelMetadata>>() {
        });
    }

    @Override
    public ModelHandoff handoff(String modelId, ModelPhase from, ModelPhase to) {
        var body = new LinkedHashMap<String, Object>();
        body.put("model_id", modelId);
        body.put("from_phase", from == null ? null : from.wireName());
        body.put("to_phase", to == null ? null : to.wireName());
        return client.post("/models/handoffs", body, false, new TypeReference<ModelHandoff>() {
        });
    }

    @Override
    public List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to) {
        var path = Paths.query("/models/handoffs", "from_phase", from == null ? null : from.wireName(),
                "to_phase", to == null ? null : to.wireName());
        return client.get(path, new TypeReference<List<ModelHandoff>>() {
        });
    }

    @Override
    public ModelHandoff updateHandoff(String handoffId, String status, String reason) {
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status);
        body.put("reason", reason);
        return client.post("/models/handoffs/" + Paths.segment(handoffId) + "/status", body, false,
                new TypeReference<ModelHandoff>() {
                });
    }

    @Override
    public ModelExport export(ModelExportRequest request) {
        var created = client.post("/models/export", request, false, new TypeReference<Map<String, Object>>() {
        });
        return Json.mapper().convertValue(created.get("export"), ModelExport.class);
    }

    @Override
    public InputStream openExport(String exportId) {
        return client.download("/models/exports/" + Paths.segment(exportId) + "/download");
    }

    @Override
    public Generation generate(String modelId, GenerationRequest request) {
        // Generation changes nothing on the server, so a retry after a lost answer is safe.
        return client.post("/models/" + Paths.segment(modelId) + "/generate", request, true,
                new TypeReference<Generation>() {
                });
    }
}
