package io.agentforge.training.artifacts;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;

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
 * A run's {@code phase_stats.json} (the stats contract of PHASES.md). The worker names models by artifact
 * ({@code ancestor_artifact}, {@code winner_artifact}, each entry of {@code models} by {@code artifact}); once they
 * are saved the supervisor adds their ids ({@code ancestor_model_id}, {@code winner_model_id}, {@code model_id}).
 */
public final class PhaseStats {
    public static final String FILE = "phase_stats.json";

    private PhaseStats() {
    }

    /** The worker's stats, or null when the phase wrote none. */
    public static Map<String, Object> read(Path jobDir) {
        var file = jobDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.mapper().readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String winnerArtifact(Map<String, Object> stats) {
        return stats == null ? null : (String) stats.get("winner_artifact");
    }

    /** The stats with the ids of the artifacts saved so far. */
    public static Map<String, Object> withModelIds(Map<String, Object> stats, Map<String, String> saved) {
        var resolved = new LinkedHashMap<>(stats);
        resolve(resolved, "ancestor_artifact", "ancestor_model_id", saved);
        resolve(resolved, "winner_artifact", "winner_model_id", saved);
        if (stats.get("models") instanceof List<?> models) {
            var withIds = new ArrayList<Object>();
            for (var entry : models) {
                if (entry instanceof Map<?, ?> model) {
                    var copy = new LinkedHashMap<String, Object>();
                    model.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    resolve(copy, "artifact", "model_id", saved);
                    withIds.add(copy);
                } else {
                    withIds.add(entry);
                }
            }
            resolved.put("models", withIds);
        }
        return resolved;
    }

    /** The stats' numbers, strings and booleans and its split hashes: what fits a model's metadata. */
    public static Map<String, Object> summary(Map<String, Object> stats) {
        var summary = new LinkedHashMap<String, Object>();
        stats.forEach((key, value) -> {
            if (value instanceof Number || value instanceof String || value instanceof Boolean
                    || key.equals("split_hashes")) {
                summary.put(key, value);
            }
        });
        return summary;
    }

    public static void write(Path jobDir, Map<String, Object> stats) {
        try {
            var temporary = jobDir.resolve(FILE + ".tmp");
            Files.writeString(temporary, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(stats));
            Files.move(temporary, jobDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void resolve(Map<String, Object> map, String nameKey, String idKey, Map<String, String> saved) {
        if (map.get(nameKey) instanceof String name && saved.containsKey(name)) {
            map.put(idKey, saved.get(name));
        }
    }
}
