package io.agentforge.models.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.web.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Model service's REST routes (port 8002). Uploads and downloads stream: neither holds an artifact in memory.
 *
 * <pre>
 * POST   /models?name=&amp;phase=[&amp;tags=&amp;training_job_id=&amp;parent_model_ids=&amp;parameters=&amp;metrics=]
 *                               body: the artifact (a zip of the model directory); 201 with the metadata
 * GET    /models?phase=&amp;name=&amp;tag=&amp;is_winner=&amp;offset=&amp;limit=   a page, newest first
 * GET    /models/summary?phase=&amp;...     total_models, total_parameters over the same filters
 * GET    /models/winners               each phase's winner
 * POST   /models/handoffs              {model_id, from_phase?, to_phase}; GET lists (?from_phase=&amp;to_phase=)
 * POST   /models/export                ModelExportRequest; GET /models/exports/{export_id}/download fetches the zip
 * GET    /models/{id}                  metadata; /download the artifact with X-Checksum-SHA256 and Digest headers
 * POST   /models/handoffs/{id}/status  {status, reason?}: pending, accepted, completed, rejected
 * GET    /models/{id}/lineage          parent and child model ids and the model's handoffs
 * POST   /models/{id}/winner           marks it its phase's winner
 * POST   /models/{id}/generate         {prompt, max_tokens, temperature, top_k}
 * DELETE /models/{id}                  the artifact and the row
 * </pre>
 */
public final class ModelRoutes implements HttpService {
    public static final String CHECKSUM_HEADER = "X-Checksum-SHA256";

    private final ModelRegistry registry;
    private final long maxFileSize;

    public ModelRoutes(ModelRegistry registry, long maxFileSize) {
        this.registry = registry;
        this.maxFileSize = maxFileSize;
    }

    @Override
    public void routing(HttpRules rules) {
        // Fixed paths first: /models/{id} would otherwise take "winners" as an id.
        rules.post("/models", this::upload)
                .get("/models", this::list)
                .get("/models/summary", this::summary)
                .get("/models/winners", this::winners)
                .post("/models/handoffs", this::handoff)
                .get("/models/handoffs", this::handoffs)
                .post("/models/handoffs/{id}/status", this::handoffStatus)
                .post("/models/export", this::export)
                .get("/models/exports/{exportId}/download", this::downloadExport)
                .get("/models/{id}", this::get)
                .get("/models/{id}/download", this::download)
                .get("/models/{id}/lineage", this::lineage)
                .post("/models/{id}/winner", this::markWinner)
                .post("/models/{id}/generate", this::generate)
                .delete("/models/{id}", this::delete)
                // An id that decoded into several segments (%2F) matches no route above: still the caller's bad id.
                .any("/models/*", this::unknownPath);
    }

    private void upload(ServerRequest req, ServerResponse res) throws IOException {
        var model = ModelRequests.newModel(req.query());
        // A declared length over the limit is refused before a byte is read; an undeclared one is counted as it comes.
        if (req.headers().contentLength().orElse(0) > maxFileSize) {
            throw new PayloadTooLargeException("artifact", maxFileSize);
        }
        try (InputStream body = req.content().inputStream()) {
            Exchange.created(res, registry.save(model, body));
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.models(ModelRequests.modelQuery(req.query())));
    }

    private void summary(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.summary(ModelRequests.summaryQuery(req.query())));
    }

    private void winners(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.winners());
    }

    private void handoff(ServerRequest req, ServerResponse res) {
        var body = Exchange.body(req, HandoffRequest.class);
        var from = body.fromPhase() != null ? ModelPhase.parse(body.fromPhase()) : registry.model(body.modelId()).phase();
        var to = body.toPhase() != null ? ModelPhase.parse(body.toPhase()) : from.next();
        if (to == null) {
            throw new InvalidRequestException("to_phase", "a phase after " + from.wireName(), body.toPhase());
        }
        Exchange.created(res, registry.handoff(body.modelId(), from, to));
    }

    private void handoffs(ServerRequest req, ServerResponse res) {
        ModelRequests.known(req.query(), Set.of("from_phase", "to_phase"));
        Exchange.ok(res, registry.handoffs(ModelRequests.optionalPhase(req.query(), "from_phase"),
                ModelRequests.optionalPhase(req.query(), "to_phase")));
    }

    private void handoffStatus(ServerRequest req, ServerResponse res) {
        var body = Exchange.body(req, HandoffStatusRequest.class);
        Exchange.ok(res, registry.updateHandoff(id(req), body.status(), body.reason()));
    }

    private void export(ServerRequest req, ServerResponse res) {
        var export = registry.export(Exchange.body(req, ModelExportRequest.class));
        var data = new LinkedHashMap<String, Object>();
        data.put("export", export);
        data.put("download_url", export.compressed()
                ? "/models/exports/" + export.manifest().exportId() + "/download" : null);
        Exchange.created(res, data);
    }

    private void downloadExport(ServerRequest req, ServerResponse res) throws IOException {
        var exportId = req.path().pathParameters().get("exportId");
        try (var in = registry.openExport(exportId)) {
            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/zip"));
            res.header(HeaderValues.create(HeaderNames.CONTENT_DISPOSITION,
                    "attachment; filename=\"export-" + exportId + ".zip\""));
            stream(in, res);
        }
    }

    private void get(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.model(id(req)));
    }

    private void download(ServerRequest req, ServerResponse res) throws IOException {
        ModelMetadata model = registry.model(id(req));
        // Opening verifies the checksum before the status line is written, so a corrupted artifact is a 409.
        try (var in = registry.openArtifact(model.modelId())) {
            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/zip"));
            res.header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, String.valueOf(model.fileSize())));
            res.header(HeaderValues.create(HeaderNames.CONTENT_DISPOSITION,
                    "attachment; filename=\"" + model.name() + "-v" + model.version() + ".zip\""));
            res.header(CHECKSUM_HEADER, model.checksum());
            res.header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(model.checksum())));
            stream(in, res);
        }
    }

    private void lineage(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.lineage(id(req)));
    }

    private void markWinner(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, registry.markWinner(id(req)));
    }

    private void generate(ServerRequest req, ServerResponse res) {
        var request = Exchange.bodyOr(req, GenerationRequest.class, () -> new GenerationRequest(null, null, null, null));
        Exchange.ok(res, registry.generate(id(req), request));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        var id = id(req);
        registry.delete(id);
        Exchange.ok(res, Map.of("model_id", id, "deleted", true));
    }

    private void unknownPath(ServerRequest req, ServerResponse res) {
        throw new InvalidRequestException("path", "/models/{model_id}[/download|/lineage|/winner|/generate] with a"
                + " UUID model_id, or another route of the Model service", req.path().path());
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static void stream(InputStream in, ServerResponse res) throws IOException {
        try (var out = res.outputStream()) {
            in.transferTo(out);
        }
    }

    /** The body of {@code POST /models/handoffs}; the phases default to the model's phase and the one after it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HandoffRequest(String modelId, String fromPhase, String toPhase) {
    }

    /** The body of {@code POST /models/handoffs/{id}/status}. */
    record HandoffStatusRequest(String status, String reason) {
    }
}
