package io.agentforge.models.registry;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.contracts.models.Generation;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.export.ModelExporter;
import io.agentforge.models.inference.ModelInference;
import io.agentforge.models.storage.ArtifactStore;
import io.agentforge.models.storage.SafeNames;
import io.agentforge.platform.health.DiskSpaceCheck;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.health.HealthChecker;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.ModelRepository;
import io.agentforge.platform.persistence.ModelSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Artifacts and their metadata, kept consistent across crashes by ordering alone:
 * <ul>
 *   <li>save: the artifact is made durable first, then its row is committed; a failed insert removes the
 *   artifact, and a crash between the two leaves a file without a row, which {@link #sweepOrphans} removes;</li>
 *   <li>delete: the row goes first, then the files; a crash between leaves, again, only a file without a row.</li>
 * </ul>
 * So a row never points at a missing or partial artifact, whatever fails when.
 */
public final class ModelRegistry implements ModelService, AutoCloseable {
    public static final String SERVICE_NAME = "models";
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final Database database;
    private final ModelRepository repository;
    private final ArtifactStore store;
    private final ModelExporter exporter;
    private final ModelInference inference;
    private final EventBus bus;
    private final HealthChecker health;

    public ModelRegistry(Database database, ModelRepository repository, ArtifactStore store, ModelExporter exporter,
                         ModelInference inference, EventBus bus) {
        this.database = database;
        this.repository = repository;
        this.store = store;
        this.exporter = exporter;
        this.inference = inference;
        this.bus = bus;
        this.health = new HealthChecker(SERVICE_NAME, healthChecks(), Duration.ofSeconds(2));
    }

    @Override
    public String name() {
        return SERVICE_NAME;
    }

    @Override
    public ModelMetadata save(NewModel model, InputStream artifact) {
        validate(model);
        // Checked before the upload is read, so that a typo in a parent id does not cost a 1 GB transfer.
        model.parentModelIds().forEach(this::requireParent);
        var modelId = UUID.randomUUID().toString();
        var stored = store.write(model.phase(), modelId, artifact);
        ModelMetadata saved;
        try {
            saved = repository.insert(modelId, model, stored.filePath(), stored.size(), stored.sha256());
        } catch (RuntimeException e) {
            store.delete(model.phase(), modelId);
            if (e instanceof NotFoundException) {
                // A parent was deleted while the artifact was arriving.
                model.parentModelIds().forEach(this::requireParent);
            }
            throw e;
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("model_id", saved.modelId());
        data.put("name", saved.name());
        data.put("phase", saved.phase().wireName());
        data.put("version", saved.version());
        data.put("file_size", saved.fileSize());
        data.put("checksum", saved.checksum());
        data.put("training_job_id", saved.trainingJobId());
        data.put("tags", saved.tags());
        data.put("parent_model_ids", model.parentModelIds());
        publish(EventTypes.MODEL_SAVED, data);
        return saved;
    }

    @Override
    public ModelMetadata model(String modelId) {
        return repository.find(SafeNames.id("model_id", modelId));
    }

    @Override
    public Page<ModelMetadata> models(ModelQuery query) {
        return repository.list(validate(query));
    }

    /** Totals over every model the query's filters match. */
    public ModelSummary summary(ModelQuery query) {
        return repository.summary(validate(query));
    }

    /** The models this one was derived from, and those derived from it. */
    public Lineage lineage(String modelId) {
        var id = model(modelId).modelId();
        return new Lineage(id, repository.parents(id), repository.children(id));
    }

    @Override
    public InputStream openArtifact(String modelId) {
        var model = model(modelId);
        return store.openVerified(model.phase(), model.modelId(), model.fileSize(), model.checksum());
    }

    @Override
    public void delete(String modelId) {
        var deleted = repository.delete(SafeNames.id("model_id", modelId));
        inference.unload(deleted.modelId());
        store.delete(deleted.phase(), deleted.modelId());
    }

    @Override
    public ModelMetadata markWinner(String modelId) {
        return repository.markWinner(SafeNames.id("model_id", modelId));
    }

    @Override
    public List<ModelMetadata> winners() {
        return repository.winners();
    }

    @Override
    public ModelHandoff handoff(String modelId, ModelPhase from, ModelPhase to) {
        if (from == null) {
            throw new InvalidRequestException("from_phase", "one of " + ModelPhase.wireNames(), null);
        }
        if (to == null) {
            throw new InvalidRequestException("to_phase", "one of " + ModelPhase.wireNames(), null);
        }
        var handoff = repository.insertHandoff(SafeNames.id("model_id", modelId), from, to);
        var data = new LinkedHashMap<String, Object>();
        data.put("handoff_id", handoff.handoffId());
        data.put("model_id", handoff.modelId());
        data.put("from_phase", handoff.fromPhase().wireName());
        data.put("to_phase", handoff.toPhase().wireName());
        data.put("status", handoff.status());
        publish(EventTypes.MODEL_HANDOFF_CREATED, data);
        return handoff;
    }

    @Override
    public List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to) {
        return repository.handoffs(from, to);
    }

    @Override
    public ModelExport export(ModelExportRequest request) {
        var format = exporter.format(request.exportFormat());
        if (request.modelIds().isEmpty()) {
            throw new InvalidRequestException("model_ids", "at least one model id", request.modelIds());
        }
        var models = new ArrayList<ModelMetadata>();
        for (var id : new LinkedHashSet<>(request.modelIds())) {
            SafeNames.id("model_ids", id);
            try {
                models.add(repository.find(id));
            } catch (NotFoundException e) {
                throw new InvalidRequestException("model_ids", "ids of stored models; unknown: " + id, id);
            }
        }
        return exporter.export(models, format, request.includeMetadata(), request.compression(),
                m -> store.openVerified(m.phase(), m.modelId(), m.fileSize(), m.checksum()));
    }

    @Override
    public InputStream openExport(String exportId) {
        return exporter.open(exportId);
    }

    @Override
    public Generation generate(String modelId, GenerationRequest request) {
        var model = model(modelId);
        return inference.generate(model,
                () -> store.openVerified(model.phase(), model.modelId(), model.fileSize(), model.checksum()), request);
    }

    /** Whether the model is loaded for generation now (it stays until memory is needed for another). */
    public boolean isLoaded(String modelId) {
        return inference.isLoaded(modelId);
    }

    /**
     * Removes artifacts without a row, left by a crash between writing a file and committing its row (or between
     * deleting a row and its file). Run at start-up; entries younger than {@code grace} are spared, as they may
     * belong to a save still in flight in another replica.
     *
     * @return how many directories and files were removed
     */
    public int sweepOrphans(Duration grace) {
        var removed = store.sweepOrphans(this::exists, grace);
        if (!removed.isEmpty()) {
            LOG.info("Removed {} orphaned artifact(s) under {}: {}", removed.size(), store.root(), removed);
        }
        return removed.size();
    }

    /** Runs the checks of {@link #healthChecks()} now. */
    @Override
    public HealthReport health() {
        return health.report();
    }

    /** What this service depends on, measured on every call: the database, the artifact storage, the event bus. */
    public List<HealthCheck> healthChecks() {
        return List.of(
                HealthCheck.of("database", database::check),
                // Degraded when the next artifact of the largest accepted size would not fit.
                HealthCheck.of("storage", new DiskSpaceCheck(store.root(), store.maxFileSize())),
                HealthCheck.of("event_bus", this::busCheck));
    }

    private DependencyCheck busCheck() {
        long start = System.nanoTime();
        var healthy = bus.isHealthy();
        double ms = (System.nanoTime() - start) / 1e6;
        return new DependencyCheck(healthy ? ServiceStatus.HEALTHY : ServiceStatus.DEGRADED, ms,
                healthy ? "publishing" : "cannot publish: model events are not delivered");
    }

    private void requireParent(String parentId) {
        if (!exists(parentId)) {
            throw new InvalidRequestException("parent_model_ids", "ids of stored models; unknown: " + parentId,
                    parentId);
        }
    }

    private boolean exists(String modelId) {
        try {
            repository.find(modelId);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void publish(String type, Map<String, Object> data) {
        try {
            bus.publish(Event.of(type, SERVICE_NAME, data));
        } catch (RuntimeException e) {
            // The model is stored either way; the event's loss is visible in the health check, not as a failed save.
            LOG.warn("Cannot publish {} for {}: {}", type, data.get("model_id"), e.toString());
        }
    }

    private static void validate(NewModel model) {
        if (model == null) {
            throw new InvalidRequestException("body", "model metadata with at least name and phase", null);
        }
        SafeNames.name(model.name());
        if (model.phase() == null) {
            throw new InvalidRequestException("phase", "one of " + ModelPhase.wireNames(), null);
        }
        model.tags().forEach(SafeNames::tag);
        if (model.trainingJobId() != null) {
            SafeNames.trainingJobId(model.trainingJobId());
        }
        model.parentModelIds().forEach(id -> SafeNames.id("parent_model_ids", id));
    }

    private static ModelQuery validate(ModelQuery query) {
        if (query.name() != null) {
            SafeNames.name(query.name());
        }
        if (query.tag() != null) {
            SafeNames.tag(query.tag());
        }
        return query;
    }

    /** Frees the loaded models; the database and the bus belong to the caller. */
    @Override
    public void close() {
        inference.close();
    }

    /**
     * Where a model came from and what was made from it.
     */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lineage(String modelId, List<String> parentModelIds, List<String> childModelIds) {
    }
}
