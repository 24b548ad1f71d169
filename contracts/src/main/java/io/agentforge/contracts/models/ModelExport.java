package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A finished export: its manifest and where the Model service keeps it. The export itself is fetched with
 * {@link ModelService#openExport}, which works the same in-process and over HTTP.
 *
 * @param compressed whether the export is one zip (else a directory)
 * @param exportPath relative to {@code STORAGE_PATH}, e.g. {@code exports/<export_id>.zip}
 * @param sizeBytes  the zip's size, or the sum of the directory's files
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelExport(ExportManifest manifest, boolean compressed, String exportPath, long sizeBytes) {
}
