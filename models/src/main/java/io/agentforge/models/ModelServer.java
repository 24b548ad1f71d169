package io.agentforge.models;

import io.agentforge.contracts.events.EventBus;
import io.agentforge.models.export.ModelExporter;
import io.agentforge.models.inference.ModelInference;
import io.agentforge.models.registry.ModelHandoffs;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.models.registry.ModelRepository;
import io.agentforge.models.storage.ArtifactStore;
import io.agentforge.models.web.ModelRoutes;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Schema;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.web.ServiceServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Builds the Model service: the {@link ModelRegistry} (the in-process {@code ModelService}) and its HTTP server on
 * {@code MODEL_SERVICE_PORT}.
 *
 * <pre>{@code
 * var models = ModelServer.registry(config.models(), database, bus);
 * var server = ModelServer.create(config.models(), models).start();
 * }</pre>
 */
public final class ModelServer {
    /** The tables the Model service owns (models, tags, lineage, handoffs, counts): {@code db/models}. */
    public static final Schema SCHEMA = new Schema("models");
    /** Orphans younger than this may belong to a save in flight in another replica. */
    public static final Duration ORPHAN_GRACE = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

    private ModelServer() {
    }

    /**
     * The registry over the artifact directory {@code STORAGE_PATH} and the database, with a background sweep of
     * artifacts a crash left without a row.
     */
    public static ModelRegistry registry(ModelServiceConfig config, Database database, EventBus bus) {
        var store = new ArtifactStore(config.storagePath(), config.maxFileSizeBytes());
        // An archive may expand beyond its zipped size; ten times the upload limit bounds a zip bomb, not a model.
        long maxExpanded = config.maxFileSizeBytes() > Long.MAX_VALUE / 10
                ? Long.MAX_VALUE : config.maxFileSizeBytes() * 10;
        var exporter = new ModelExporter(store.root(), maxExpanded, ModelExporter.standardFormats());
        var inference = new ModelInference(ModelInference.defaultMemoryBudget(), maxExpanded);
        var registry = new ModelRegistry(database, new ModelRepository(database), new ModelHandoffs(database), store,
                exporter, inference, bus);
        Thread.ofVirtual().name("models-orphan-sweep").start(() -> {
            try {
                registry.sweepOrphans(ORPHAN_GRACE);
            } catch (RuntimeException e) {
                LOG.warn("The sweep for orphaned artifacts under {} failed: {}", store.root(), e.toString());
            }
        });
        return registry;
    }

    /** The HTTP server: the model routes plus the frame's {@code /health} and {@code /metrics}. */
    public static ServiceServer create(ModelServiceConfig config, ModelRegistry registry) {
        return create(config, registry, SecuritySettings.local(List.of()));
    }

    /** As the launcher starts it: only the other services may call it when authentication is on. */
    public static ServiceServer create(ModelServiceConfig config, ModelRegistry registry, SecuritySettings security) {
        var server = ServiceServer.builder(ServiceName.MODELS.id())
                .port(config.port())
                .access(new AccessControl(security, AccessRules.Audience.SERVICES))
                .healthChecks(registry.healthChecks())
                .maxPayloadSize(config.maxFileSizeBytes())
                .routes(new ModelRoutes(registry, config.maxFileSizeBytes()))
                .build();
        registry.bindMetrics(server.meterRegistry());
        return server;
    }
}
