package io.agentforge.training.jobs;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.Generation;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.phases.ModelPhase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small, real model store over a directory, for the Training service's tests while the Model service is built on
 * its own branch: it writes each artifact to disk with its sha256 and keeps what the producer said (including the
 * parent ids that {@link ModelMetadata} does not show). Only what the Training service calls is implemented.
 */
public final class TestModelStore implements ModelService {
    public record Stored(ModelMetadata metadata, NewModel request) {
    }

    private final Path dir;
    private final Map<String, Stored> models = new ConcurrentHashMap<>();
    private final List<ModelHandoff> handoffs = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TestModelStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public ModelMetadata save(NewModel model, InputStream artifact) {
        var id = UUID.randomUUID().toString();
        var file = dir.resolve(id + ".zip");
        try {
            Files.createDirectories(dir);
            var digest = MessageDigest.getInstance("SHA-256");
            try (var in = new DigestInputStream(artifact, digest)) {
                Files.copy(in, file);
            }
            int version = (int) models.values().stream().filter(m -> m.metadata().name().equals(model.name())).count() + 1;
            var metadata = new ModelMetadata(id, model.name(), model.phase(), version, file.toString(), Files.size(file),
                    HexFormat.of().formatHex(digest.digest()), Instant.now(), model.trainingJobId(), model.parameters(),
                    model.metrics(), false, model.tags());
            models.put(id, new Stored(metadata, model));
            return metadata;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Stored> stored() {
        return List.copyOf(models.values());
    }

    @Override
    public ModelMetadata model(String modelId) {
        var stored = models.get(modelId);
        if (stored == null) {
            throw new NotFoundException("model", modelId);
        }
        return stored.metadata();
    }

    @Override
    public Page<ModelMetadata> models(ModelQuery query) {
        var items = models.values().stream().map(Stored::metadata)
                .filter(m -> query.phase() == null || m.phase() == query.phase()).toList();
        return new Page<>(items, items.size(), 0, items.size());
    }

    @Override
    public InputStream openArtifact(String modelId) {
        try {
            return Files.newInputStream(Path.of(model(modelId).filePath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String modelId) {
        throw new UnsupportedOperationException("not used by the Training service");
    }

    @Override
    public synchronized ModelMetadata markWinner(String modelId) {
        var winner = model(modelId);
        models.replaceAll((id, s) -> {
            var m = s.metadata();
            if (m.phase() != winner.phase()) {
                return s;
            }
            return new Stored(new ModelMetadata(m.modelId(), m.name(), m.phase(), m.version(), m.filePath(),
                    m.fileSize(), m.checksum(), m.createdAt(), m.trainingJobId(), m.parameters(), m.metrics(),
                    id.equals(modelId), m.tags()), s.request());
        });
        return model(modelId);
    }

    @Override
    public ModelHandoff handoff(String modelId, ModelPhase from, ModelPhase to) {
        model(modelId);
        var handoff = new ModelHandoff(UUID.randomUUID().toString(), from, to, modelId, Instant.now(),
                ModelHandoff.PENDING);
        handoffs.add(handoff);
        return handoff;
    }

    @Override
    public synchronized ModelHandoff updateHandoff(String handoffId, String status, String reason) {
        for (int i = 0; i < handoffs.size(); i++) {
            var h = handoffs.get(i);
            if (h.handoffId().equals(handoffId)) {
                var updated = new ModelHandoff(h.handoffId(), h.fromPhase(), h.toPhase(), h.modelId(), h.createdAt(),
                        status, reason);
                handoffs.set(i, updated);
                return updated;
            }
        }
        throw new NotFoundException("handoff", handoffId);
    }

    @Override
    public List<ModelMetadata> winners() {
        throw new UnsupportedOperationException("not used by the Training service");
    }

    @Override
    public List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to) {
        return handoffs.reversed().stream().filter(h -> from == null || h.fromPhase() == from)
                .filter(h -> to == null || h.toPhase() == to).toList();
    }

    @Override
    public ModelExport export(ModelExportRequest request) {
        throw new UnsupportedOperationException("not used by the Training service");
    }

    @Override
    public InputStream openExport(String exportId) {
        throw new UnsupportedOperationException("not used by the Training service");
    }

    @Override
    public Generation generate(String modelId, GenerationRequest request) {
        throw new UnsupportedOperationException("not used by the Training service");
    }

    @Override
    public String name() {
        return "models";
    }

    @Override
    public HealthReport health() {
        throw new UnsupportedOperationException("not used by the Training service");
    }
}
