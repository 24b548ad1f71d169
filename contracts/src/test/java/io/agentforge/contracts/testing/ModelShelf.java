package io.agentforge.contracts.testing;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.Page;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ExportManifest;
import io.agentforge.contracts.models.Generation;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelLineage;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.monitoring.HealthReport;
import io.agentforge.contracts.monitoring.ServiceStatus;
import io.agentforge.contracts.phases.ModelPhase;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The in-memory Model service of the tests, over a directory: artifacts on disk with their sha256, verified when
 * opened; metadata, what the producer asked for (including the parent ids that {@link ModelMetadata} does not show)
 * and handoffs in memory. Its "model" for generation is a character bigram table of the artifact's text, so a reply
 * is computed from the stored model, greedily.
 */
public final class ModelShelf implements ModelService {
    /** A saved model and the request it was saved with. */
    public record Stored(ModelMetadata metadata, NewModel request) {
    }

    private final Path dir;
    private final Map<String, ModelMetadata> models = new ConcurrentHashMap<>();
    private final Map<String, NewModel> requests = new ConcurrentHashMap<>();
    private final List<ModelHandoff> handoffs = new CopyOnWriteArrayList<>();

    public ModelShelf(Path dir) {
        this.dir = dir;
    }

    /** Saves a text artifact, for tests that need models of a phase. */
    public ModelMetadata save(String name, ModelPhase phase, String jobId, long parameterCount, List<String> tags,
                              String text) {
        return save(new NewModel(name, phase, jobId, Map.of("parameter_count", parameterCount), Map.of("loss", 2.5),
                tags, List.of()), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    public List<ModelHandoff> handoffs() {
        return List.copyOf(handoffs);
    }

    /** Every model saved and not deleted, with its request. */
    public List<Stored> stored() {
        return models.values().stream().map(m -> new Stored(m, requests.get(m.modelId()))).toList();
    }

    public void clear() {
        models.clear();
        requests.clear();
        handoffs.clear();
    }

    @Override
    public ModelMetadata save(NewModel model, InputStream artifact) {
        var id = UUID.randomUUID().toString();
        var file = dir.resolve(id + ".bin");
        try (var digesting = new DigestInputStream(artifact, sha256())) {
            Files.createDirectories(dir);
            var size = Files.copy(digesting, file);
            var version = (int) models.values().stream().filter(m -> m.name().equals(model.name())).count() + 1;
            var metadata = new ModelMetadata(id, model.name(), model.phase(), version, file.toString(), size,
                    HexFormat.of().formatHex(digesting.getMessageDigest().digest()), Instant.now(),
                    model.trainingJobId(), model.parameters(), model.metrics(), false, model.tags());
            requests.put(id, model);
            models.put(id, metadata);
            return metadata;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ModelMetadata model(String modelId) {
        var model = models.get(modelId);
        if (model == null) {
            throw new NotFoundException("model", modelId);
        }
        return model;
    }

    /** The shelf records no parents: every model it holds stands alone. */
    @Override
    public ModelLineage lineage(String modelId) {
        return new ModelLineage(model(modelId).modelId(), List.of(), List.of());
    }

    @Override
    public Page<ModelMetadata> models(ModelQuery query) {
        var matching = models.values().stream()
                .filter(m -> query.phase() == null || m.phase() == query.phase())
                .filter(m -> query.name() == null || m.name().equals(query.name()))
                .filter(m -> query.tag() == null || m.tags().contains(query.tag()))
                .filter(m -> query.winner() == null || m.isWinner() == query.winner())
                .sorted(Comparator.comparing(ModelMetadata::createdAt).reversed())
                .toList();
        var from = Math.min(query.page().offset(), matching.size());
        var to = Math.min(from + query.page().limit(), matching.size());
        return new Page<>(matching.subList(from, to), matching.size(), query.page().offset(), query.page().limit());
    }

    @Override
    public InputStream openArtifact(String modelId) {
        var model = model(modelId);
        try {
            var bytes = Files.readAllBytes(Path.of(model.filePath()));
            if (!HexFormat.of().formatHex(sha256().digest(bytes)).equals(model.checksum())) {
                throw new ConflictException("artifact of model " + modelId + " does not match its checksum");
            }
            return new ByteArrayInputStream(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String modelId) {
        var model = model(modelId);
        models.remove(modelId);
        requests.remove(modelId);
        try {
            Files.deleteIfExists(Path.of(model.filePath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized ModelMetadata markWinner(String modelId) {
        var winner = model(modelId);
        models.replaceAll((id, m) -> m.phase() == winner.phase() ? withWinner(m, id.equals(modelId)) : m);
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
        return models.values().stream().filter(ModelMetadata::isWinner)
                .sorted(Comparator.comparing(ModelMetadata::phase)).toList();
    }

    @Override
    public List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to) {
        return handoffs.reversed().stream().filter(h -> from == null || h.fromPhase() == from)
                .filter(h -> to == null || h.toPhase() == to).toList();
    }

    /** Writes the manifest (the whole export, for these text models) as a zip, or as a directory. */
    @Override
    public ModelExport export(ModelExportRequest request) {
        var exportId = UUID.randomUUID().toString();
        var entries = request.modelIds().stream().map(this::model)
                .map(m -> new ExportManifest.ExportedModel(m.modelId(), m.name(), m.name() + "-v" + m.version()))
                .toList();
        var manifest = new ExportManifest(exportId, Instant.now(), request.exportFormat(), entries, entries.size());
        try {
            var json = Json.mapper().writeValueAsBytes(manifest);
            if (!request.compression()) {
                var folder = Files.createDirectories(dir.resolve("exports").resolve(exportId));
                Files.write(folder.resolve("export_manifest.json"), json);
                return new ModelExport(manifest, false, "exports/" + exportId, json.length);
            }
            var zip = Files.createDirectories(dir.resolve("exports")).resolve(exportId + ".zip");
            try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("export_manifest.json"));
                out.write(json);
                out.closeEntry();
            }
            return new ModelExport(manifest, true, "exports/" + exportId + ".zip", Files.size(zip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream openExport(String exportId) {
        var zip = dir.resolve("exports").resolve(exportId + ".zip");
        try {
            return Files.newInputStream(zip);
        } catch (IOException e) {
            throw new NotFoundException("export", exportId);
        }
    }

    @Override
    public Generation generate(String modelId, GenerationRequest request) {
        String text;
        try (var in = openArtifact(modelId)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var start = System.nanoTime();
        var reply = new StringBuilder();
        char last = request.prompt().charAt(request.prompt().length() - 1);
        for (int i = 0; i < request.maxTokens(); i++) {
            last = mostFrequentAfter(text, last);
            reply.append(last);
        }
        var seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        var parameters = model(modelId).parameters().get("parameter_count");
        return new Generation(modelId, reply.toString(), request.prompt().length(), request.maxTokens(),
                parameters instanceof Number n ? n.longValue() : 0, request.maxTokens() / seconds);
    }

    @Override
    public String name() {
        return "models";
    }

    @Override
    public HealthReport health() {
        return new HealthReport("models", ServiceStatus.HEALTHY, Map.of(), 1, Instant.now());
    }

    /** The character that most often follows {@code c} in the text (the first character when none follows it). */
    private static char mostFrequentAfter(String text, char c) {
        var counts = new int[Character.MAX_VALUE + 1];
        char best = text.charAt(0);
        for (int i = 0; i + 1 < text.length(); i++) {
            if (text.charAt(i) == c && ++counts[text.charAt(i + 1)] > counts[best]) {
                best = text.charAt(i + 1);
            }
        }
        return best;
    }

    private static ModelMetadata withWinner(ModelMetadata m, boolean winner) {
        return new ModelMetadata(m.modelId(), m.name(), m.phase(), m.version(), m.filePath(), m.fileSize(),
                m.checksum(), m.createdAt(), m.trainingJobId(), m.parameters(), m.metrics(), winner, m.tags());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
