package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * The {@code export_manifest.json} at the root of every export (SPEC section 4).
 *
 * @param format      the export format, e.g. {@code pytorch}
 * @param totalModels the number of entries in {@code models}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExportManifest(String exportId, Instant createdAt, String format, List<ExportedModel> models,
                             int totalModels) {
    public ExportManifest {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /**
     * One model in an export.
     *
     * @param exportPath the model's folder inside the export, relative to the manifest, e.g. {@code cognate-1-v1}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExportedModel(String modelId, String name, String exportPath) {
    }
}
