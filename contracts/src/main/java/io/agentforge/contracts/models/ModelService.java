package io.agentforge.contracts.models;

import io.agentforge.contracts.Page;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.monitoring.Service;
import io.agentforge.contracts.phases.ModelPhase;

import java.io.InputStream;
import java.util.List;

/**
 * The Model service: the only owner of model artifacts and their metadata. In-process in the all-in-one start,
 * an HTTP client of port 8002 in distributed mode.
 */
public interface ModelService extends Service {
    /**
     * Stores an artifact and its metadata together: after a crash there is either both or neither.
     *
     * @param artifact the artifact's bytes (read to the end, not closed); the checksum is computed while reading
     */
    ModelMetadata save(NewModel model, InputStream artifact);

    /** @throws NotFoundException for an unknown id */
    ModelMetadata model(String modelId);

    Page<ModelMetadata> models(ModelQuery query);

    /**
     * Totals over every model the query's filters match (its page is ignored). This default pages through
     * {@link #models}; the Model service answers with one query.
     */
    default ModelSummary summary(ModelQuery query) {
        long total = 0;
        long parameters = 0;
        int offset = 0;
        while (true) {
            var page = models(new ModelQuery(query.phase(), query.name(), query.tag(), query.winner(),
                    new PageRequest(offset, PageRequest.MAX_LIMIT)));
            total = page.total();
            for (var model : page.items()) {
                if (model.parameters().get("parameter_count") instanceof Number count) {
                    parameters += count.longValue();
                }
            }
            offset += page.items().size();
            if (page.items().isEmpty() || offset >= total) {
                return new ModelSummary(total, parameters);
            }
        }
    }

    /**
     * Opens the artifact for reading, after verifying its checksum.
     *
     * @throws io.agentforge.contracts.errors.ConflictException when the stored bytes no longer match the checksum
     */
    InputStream openArtifact(String modelId);

    /** Deletes the artifact and its metadata together. */
    void delete(String modelId);

    /** Marks the model as its phase's winner, unmarking the previous one. */
    ModelMetadata markWinner(String modelId);

    /** Every phase's winner, in pipeline order; phases without a winner are absent. */
    List<ModelMetadata> winners();

    /** Records that a model passes from one phase to the next. */
    ModelHandoff handoff(String modelId, ModelPhase from, ModelPhase to);

    /** Handoffs, newest first; a null phase does not filter. */
    List<ModelHandoff> handoffs(ModelPhase from, ModelPhase to);

    /**
     * Moves a handoff along its lifecycle ({@link ModelHandoff#STATUSES}).
     *
     * @param reason why, for {@code rejected}; null otherwise
     * @throws io.agentforge.contracts.errors.NotFoundException for an unknown id
     */
    ModelHandoff updateHandoff(String handoffId, String status, String reason);

    /**
     * Writes an export with its {@code export_manifest.json}, zipped when the request asks for compression.
     *
     * @throws io.agentforge.contracts.errors.InvalidRequestException naming {@code export_format} or
     *                                                                {@code model_ids} (with the unknown id)
     */
    ModelExport export(ModelExportRequest request);

    /**
     * Opens a compressed export (its zip) for reading.
     *
     * @throws io.agentforge.contracts.errors.NotFoundException for an unknown or uncompressed export
     */
    InputStream openExport(String exportId);

    /** Generates text with the stored model. */
    Generation generate(String modelId, GenerationRequest request);

    /**
     * The model's parents and children as recorded when models were saved.
     *
     * @throws io.agentforge.contracts.errors.NotFoundException for an unknown id
     */
    default ModelLineage lineage(String modelId) {
        throw new UnsupportedOperationException(name() + " keeps no lineage");
    }
}
