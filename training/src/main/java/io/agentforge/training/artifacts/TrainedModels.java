package io.agentforge.training.artifacts;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.training.worker.WorkerMessage.Artifact;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Saves a job's artifacts through the Model service, in order, so that a child's parent is saved (and has an id)
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
        var saved = readSaved(jobDir);
        for (var artifact : artifacts) {
            if (saved.containsKey(artifact.name())) {
                continue;
            }
            var parents = artifact.parent() == null ? List.<String>of() : List.of(requireSaved(saved, artifact));
            var model = new NewModel(artifact.name(), phase, jobId, artifact.parameters(), artifact.metrics(),
                    tags(phase, artifact), parents);
            var archive = jobDir.resolve(artifact.name() + ".zip");
            try {
                try (var out = Files.newOutputStream(archive)) {
                    pack(artifact.directory(), out);
                }
                try (var in = Files.newInputStream(archive)) {
                    saved.put(artifact.name(), models.save(model, in).modelId());
                }
                Files.deleteIfExists(archive);
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

    /**
     * The Model service's artifact format: the model directory as one zip, entries by relative path in sorted
     * order, so one checksum covers the whole model.
     */
    static void pack(Path dir, OutputStream out) throws IOException {
        try (var files = Files.walk(dir)) {
            var zip = new ZipOutputStream(out);
            zip.setLevel(Deflater.BEST_SPEED);
            for (var file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(dir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
            zip.finish();
        }
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
