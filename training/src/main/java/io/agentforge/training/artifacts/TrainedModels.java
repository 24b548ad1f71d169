package io.agentforge.training.artifacts;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.models.ModelArchive;
import io.agentforge.training.worker.WorkerMessage.Artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a job's artifacts through the Model service (each directory packed on the fly in the shared artifact format,
 * {@link ModelArchive}), in order, so that a child's parent is saved (and has an id)
 * before the child. Which artifacts are saved is remembered in the job directory: a job retried after a crash
 * halfway through saving does not store a model twice.
 */
public final class TrainedModels {
    static final String SAVED_FILE = "saved-models.json";

    private final ModelService models;

    public TrainedModels(ModelService models) {
        this.models = models;
    }

    /** Saves what is not saved yet; returns model ids by artifact name. */
    public Map<String, String> saveAll(String jobId, ModelPhase phase, Path jobDir, List<Artifact> artifacts) {
        return saveAll(jobId, phase, jobDir, artifacts, null);
    }

    /**
     * Saves what is not saved yet, the run's stats kept with the winner (the worker lists it last, so the stats name
     * every other model's id): the whole {@code phase_stats.json} inside its artifact, and its scalars and split
     * hashes in its metadata ({@code parameters.phase_stats}; the metadata of a remote save travels in the upload's
     * URL, which has no room for lists such as a fitness history). Returns ids by artifact name.
     */
    public Map<String, String> saveAll(String jobId, ModelPhase phase, Path jobDir, List<Artifact> artifacts,
                                       Map<String, Object> stats) {
        var saved = readSaved(jobDir);
        var winner = PhaseStats.winnerArtifact(stats);
        for (var artifact : artifacts) {
            if (saved.containsKey(artifact.name())) {
                continue;
            }
            var parents = new ArrayList<String>();
            if (artifact.parent() != null) {
                parents.add(requireSaved(saved, artifact));
            }
            parents.addAll(artifact.parentModelIds());
            var parameters = new LinkedHashMap<>(artifact.parameters());
            if (artifact.name().equals(winner)) {
                var withIds = PhaseStats.withModelIds(stats, saved);
                PhaseStats.write(artifact.directory(), withIds);
                parameters.put("phase_stats", PhaseStats.summary(withIds));
            }
            var model = new NewModel(artifact.name(), phase, jobId, parameters, artifact.metrics(),
                    tags(phase, artifact), parents);
            try (var in = ModelArchive.packing(artifact.directory())) {
                saved.put(artifact.name(), models.save(model, in).modelId());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hand over " + artifact.directory(), e);
            }
            writeSaved(jobDir, saved);
        }
        return saved;
    }

    private static String requireSaved(Map<String, String> saved, Artifact artifact) {
        var parent = saved.get(artifact.parent());
        if (parent == null) {
            throw new IllegalStateException(artifact.name() + " names parent " + artifact.parent()
                    + ", which comes after it or not at all");
        }
        return parent;
    }

    private static List<String> tags(ModelPhase phase, Artifact artifact) {
        var tags = new ArrayList<String>();
        tags.add(phase.wireName());
        tags.add(artifact.role());
        if (artifact.parameters().get("seed") instanceof Number seed) {
            tags.add("seed=" + seed.longValue());
        }
        return tags;
    }

    private static Map<String, String> readSaved(Path jobDir) {
        var file = jobDir.resolve(SAVED_FILE);
        try {
            if (!Files.exists(file)) {
                return new LinkedHashMap<>();
            }
            return Json.mapper().readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSaved(Path jobDir, Map<String, String> saved) {
        try {
            var temporary = jobDir.resolve(SAVED_FILE + ".tmp");
            Files.writeString(temporary, Json.write(saved));
            Files.move(temporary, jobDir.resolve(SAVED_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
