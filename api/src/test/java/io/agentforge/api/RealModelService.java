package io.agentforge.api;

import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.models.ModelArchive;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.models.ModelServer;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * The API in front of the real Model service, wired as the all-in-one start wires it: the registry over an embedded
 * H2 file and an artifact directory in {@code dir}, a real bus; Training is the contracts test-jar's ledger.
 */
final class RealModelService implements AutoCloseable {
    final ModelRegistry models;
    final ApiClient client;
    private final Database database;
    private final InProcessEventBus bus;
    private final ApiService api;

    RealModelService(Path dir) {
        database = Database.open(null, dir.resolve("db"), ModelServer.SCHEMA);
        bus = new InProcessEventBus();
        models = ModelServer.registry(new ModelServiceConfig(0, dir.resolve("models"), 50_000_000), database, bus);
        api = new ApiService(new ApiServiceConfig(0, List.of()), new JobLedger(bus, EnumSet.of(ModelPhase.COGNATE)),
                models, bus, List.of(), List.of()).start();
        client = new ApiClient(api.port());
    }

    /** Stores an exported model directory as the given model; its id. */
    String store(Path modelDir, NewModel model) throws IOException {
        try (var artifact = ModelArchive.packing(modelDir)) {
            return models.save(model, artifact).modelId();
        }
    }

    @Override
    public void close() {
        api.close();
        models.close();
        bus.close();
        database.close();
    }
}
