package io.agentforge.api.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.agentforge.api.chat.Chat;
import io.agentforge.api.models.ModelCatalog;
import io.agentforge.api.phases.PhaseOrchestrator;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.api.ChatRequest;
import io.agentforge.contracts.api.PhaseStartRequest;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.web.Exchange;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every route of SPEC section 4 (the frame adds {@code /health} and {@code /metrics}). Each handler parses, calls one
 * service and answers; failures are thrown and mapped to statuses by the platform's error mapping. The route table
 * is data ({@link #table()}), so that a test can hold it against the OpenAPI document.
 */
public final class ApiRoutes implements HttpService, AutoCloseable {
    private static final Set<String> JOB_QUERY = Set.of("phase", "status", "offset", "limit");
    private static final Set<String> MODEL_QUERY = Set.of("phase", "offset", "limit");
    private static final Set<String> METRICS_QUERY = Set.of("buckets", "from", "to", "metric");
    /** How stale a cached read may be when its change announced itself nowhere. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(1);

    private final TrainingService training;
    private final ModelService models;
    private final PhaseOrchestrator phases;
    private final Chat chat;
    private final ModelCatalog catalog;
    private final ApiDocument document;
    private final SwaggerUi docs;
    private final ReadCache<CachedAnswer> cache;

    public ApiRoutes(TrainingService training, ModelService models, PhaseOrchestrator phases, Chat chat, ApiDocument document, EventBus bus) {
        this.training = training;
        this.models = models;
        this.phases = phases;
        this.chat = chat;
        this.catalog = new ModelCatalog(models);
        this.document = document;
        this.docs = new SwaggerUi(document.title());
        this.cache = new ReadCache<>(bus, CACHE_TTL);
    }

    /** One route: method, path template (OpenAPI spelling) and handler. */
    public record Route(Method method, String path, Handler handler) {
        public String operation() {
            return method.text() + " " + path;
        }
    }

    /** The routes this class serves, in matching order: fixed paths before templates that would swallow them. */
    public List<Route> table() {
        return List.of(
                new Route(Method.GET, "/", this::root),
                new Route(Method.GET, "/openapi.json", this::openApi),
                new Route(Method.GET, "/phases/status", this::allPhases),
                new Route(Method.POST, "/phases/{phase}/start", this::startPhase),
                new Route(Method.GET, "/phases/{phase}/status", this::phaseStatus),
                new Route(Method.POST, "/phases/{phase}/stop", this::stopPhase),
                new Route(Method.GET, "/jobs", this::listJobs),
                new Route(Method.GET, "/jobs/{job_id}", this::getJob),
                new Route(Method.DELETE, "/jobs/{job_id}", this::cancelJob),
                new Route(Method.POST, "/jobs/{job_id}/pause", this::pauseJob),
                new Route(Method.POST, "/jobs/{job_id}/resume", this::resumeJob),
                new Route(Method.GET, "/jobs/{job_id}/metrics", this::jobMetrics),
                new Route(Method.GET, "/models", this::listModels),
                new Route(Method.POST, "/models/export", this::exportModels),
                new Route(Method.GET, "/models/exports/{export_id}/download", this::downloadExport),
                new Route(Method.GET, "/models/{model_id}", this::getModel),
                new Route(Method.GET, "/models/{model_id}/download", this::downloadModel),
                new Route(Method.GET, "/models/{model_id}/lineage", this::modelLineage),
                new Route(Method.DELETE, "/models/{model_id}", this::deleteModel),
                new Route(Method.POST, "/chat", this::chat),
                new Route(Method.POST, "/pipeline/run", this::runPipeline),
                new Route(Method.POST, "/pipeline/run-all", this::runPipeline),
                new Route(Method.GET, "/pipeline/status", this::pipelineStatus),
                new Route(Method.POST, "/pipeline/stop", this::stopPipeline),
                new Route(Method.POST, "/pipeline/reset", this::resetPipeline),
                new Route(Method.GET, "/pipeline/report", this::pipelineReport));
    }

    @Override
    public void routing(HttpRules rules) {
        table().forEach(route -> rules.route(route.method(), route.path(), route.handler()));
        docs.register(rules);
    }

    private void root(ServerRequest req, ServerResponse res) {
        var data = new LinkedHashMap<String, Object>();
        data.put("name", document.title());
        data.put("version", document.version());
        data.put("docs", "/docs");
        data.put("openapi", "/openapi.json");
        data.put("endpoints", document.operations());
        Exchange.ok(res, data);
    }

    private void openApi(ServerRequest req, ServerResponse res) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(document.json());
    }

    private void allPhases(ServerRequest req, ServerResponse res) {
        cache.get("phases", () -> answer(phases.overview())).send(req, res);
    }

    private void startPhase(ServerRequest req, ServerResponse res) {
        var body = Exchange.bodyOr(req, PhaseStartRequest.class, () -> new PhaseStartRequest(null, null, null));
        var started = phases.start(param(req, "phase"), body);
        cache.invalidate();
        Exchange.accepted(res, started, started.message());
    }

    private void phaseStatus(ServerRequest req, ServerResponse res) {
        var phase = PhaseOrchestrator.pathPhase(param(req, "phase"));
        cache.get("phase " + phase, () -> answer(phases.status(phase))).send(req, res);
    }

    private void stopPhase(ServerRequest req, ServerResponse res) {
        var job = phases.stop(param(req, "phase"));
        cache.invalidate();
        Exchange.ok(res, job, "job cancelled; its worker stops at a checkpoint");
    }

    private void listJobs(ServerRequest req, ServerResponse res) {
        var query = new QueryParameters(req.query(), JOB_QUERY);
        Exchange.ok(res, training.jobs(new JobQuery(query.optional("phase", ModelPhase::parse),
                query.optional("status", TaskStatus::parse), query.page())));
    }

    private void getJob(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.job(param(req, "job_id")));
    }

    private void cancelJob(ServerRequest req, ServerResponse res) {
        var job = training.cancel(param(req, "job_id"));
        cache.invalidate();
        Exchange.ok(res, job, "job cancelled; its worker stops at a checkpoint");
    }

    private void pauseJob(ServerRequest req, ServerResponse res) {
        var job = training.pause(param(req, "job_id"));
        cache.invalidate();
        Exchange.ok(res, job, "job paused; resume continues from its last checkpoint");
    }

    private void resumeJob(ServerRequest req, ServerResponse res) {
        var job = training.resume(param(req, "job_id"));
        cache.invalidate();
        Exchange.ok(res, job, "job queued to resume from its last checkpoint");
    }

    private void jobMetrics(ServerRequest req, ServerResponse res) {
        var query = new QueryParameters(req.query(), METRICS_QUERY);
        var window = MetricWindow.parse(query.text("buckets"), query.text("from"), query.text("to"),
                query.all("metric"));
        var id = param(req, "job_id");
        Exchange.ok(res, window == null ? training.metrics(id) : training.metricBuckets(id, window));
    }

    private void listModels(ServerRequest req, ServerResponse res) {
        var query = new QueryParameters(req.query(), MODEL_QUERY);
        var phase = query.optional("phase", ModelPhase::parse);
        var page = query.page();
        cache.get("models " + phase + " " + page.offset() + " " + page.limit(),
                () -> answer(catalog.list(phase, page))).send(req, res);
    }

    private void exportModels(ServerRequest req, ServerResponse res) {
        var export = models.export(Exchange.body(req, ModelExportRequest.class));
        var id = export.manifest().exportId();
        Exchange.ok(res, new ExportResult(export, export.compressed() ? "/models/exports/" + id + "/download" : null),
                "exported " + export.manifest().totalModels() + " models as " + export.manifest().format());
    }

    private void downloadExport(ServerRequest req, ServerResponse res) throws IOException {
        var id = param(req, "export_id");
        try (var in = models.openExport(id); var out = res
                .header(HeaderValues.create("Content-Type", "application/zip"))
                .header(HeaderValues.create("Content-Disposition", "attachment; filename=\"export-" + id + ".zip\""))
                .outputStream()) {
            in.transferTo(out);
        }
    }

    private void getModel(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, models.model(param(req, "model_id")));
    }

    private void downloadModel(ServerRequest req, ServerResponse res) throws IOException {
        var model = models.model(param(req, "model_id"));
        // Opening verifies the checksum before the status line goes out, so a corrupted artifact is still a 409.
        try (var in = models.openArtifact(model.modelId()); var out = res
                .header(HeaderValues.create("Content-Type", "application/octet-stream"))
                .header(HeaderValues.create("Content-Length", String.valueOf(model.fileSize())))
                .header(HeaderValues.create("Content-Disposition",
                        "attachment; filename=\"" + model.name() + "-v" + model.version() + ".zip\""))
                .header("X-Checksum-SHA256", model.checksum())
                .outputStream()) {
            in.transferTo(out);
        }
    }

    private void modelLineage(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, models.lineage(param(req, "model_id")));
    }

    private void deleteModel(ServerRequest req, ServerResponse res) {
        var id = param(req, "model_id");
        models.delete(id);
        cache.invalidate();
        Exchange.ok(res, Map.of("model_id", id, "deleted", true), "model " + id + " deleted");
    }

    private void chat(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, chat.reply(Exchange.body(req, ChatRequest.class)));
    }

    private void runPipeline(ServerRequest req, ServerResponse res) {
        var body = Exchange.bodyOr(req, PipelineRequest.class, PipelineRequest::empty);
        var status = training.pipeline().run(body);
        cache.invalidate();
        Exchange.accepted(res, status, status.message());
    }

    private void pipelineStatus(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.pipeline().status());
    }

    private void stopPipeline(ServerRequest req, ServerResponse res) {
        var status = training.pipeline().stop();
        cache.invalidate();
        Exchange.ok(res, status, "pipeline stopped; its report stays until a reset");
    }

    private void resetPipeline(ServerRequest req, ServerResponse res) {
        var status = training.pipeline().reset();
        cache.invalidate();
        Exchange.ok(res, status, "pipeline reset; models are kept");
    }

    private void pipelineReport(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.pipeline().report());
    }

    @Override
    public void close() {
        cache.close();
    }

    /** The 200 answer for data read now. */
    private static CachedAnswer answer(Object data) {
        var readAt = Instant.now();
        try {
            return CachedAnswer.of(Json.mapper().writeValueAsBytes(data), readAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + data.getClass().getName() + " as JSON", e);
        }
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    /** An export and, when it is one zip, where to fetch it from this API. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ExportResult(ModelExport export, String downloadUrl) {
    }
}
