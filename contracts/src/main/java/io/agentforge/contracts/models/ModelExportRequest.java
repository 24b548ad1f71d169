package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * A request to export models (SPEC section 3). Absent fields take the documented defaults.
 *
 * @param exportFormat {@code pytorch} (safetensors + config.json) or {@code djl}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelExportRequest(List<String> modelIds, String exportFormat, Boolean includeMetadata,
                                 Boolean compression) {
    public ModelExportRequest {
        modelIds = modelIds == null ? List.of() : List.copyOf(modelIds);
        if (exportFormat == null) {
            exportFormat = "pytorch";
        }
        if (includeMetadata == null) {
            includeMetadata = Boolean.TRUE;
        }
        if (compression == null) {
            compression = Boolean.TRUE;
        }
    }
}
