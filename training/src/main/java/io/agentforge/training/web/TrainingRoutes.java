package io.agentforge.training.web;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingService;
import io.agentforge.platform.web.Exchange;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.function.Function;

/**
 * {@code POST /jobs}, {@code GET /jobs?phase=&status=&offset=&limit=}, {@code GET /jobs/{id}},
 * {@code DELETE /jobs/{id}} (cancel), {@code POST /jobs/{id}/pause}, {@code POST /jobs/{id}/resume},
 * {@code GET /jobs/{id}/metrics} (bucketed with {@code ?buckets=N&from=&to=&metric=}),
 * {@code GET /phases/implemented} (the phases whose jobs run here), and the pipeline: {@code POST /pipeline/run},
 * {@code GET /pipeline/status}, {@code POST /pipeline/stop}, {@code POST /pipeline/reset},
 * {@code GET /pipeline/report}. {@code /health} and {@code /metrics} come with the server frame.
 */
public final class TrainingRoutes implements HttpService {
    private final TrainingService training;

    public TrainingRoutes(TrainingService training) {
        this.training = training;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/jobs", this::submit)
                .get("/jobs", this::list)
                .get("/jobs/{id}", this::job)
                .delete("/jobs/{id}", this::cancel)
                .post("/jobs/{id}/pause", this::pause)
                .post("/jobs/{id}/resume", this::resume)
                .get("/jobs/{id}/metrics", this::metrics)
                .get("/phases/implemented", this::implementedPhases)
                .post("/pipeline/run", this::runPipeline)
                .get("/pipeline/status", (req, res) -> Exchange.ok(res, training.pipeline().status()))
                .post("/pipeline/stop", (req, res) -> Exchange.ok(res, training.pipeline().stop()))
                .post("/pipeline/reset", (req, res) -> Exchange.ok(res, training.pipeline().reset()))
                .get("/pipeline/report", (req, res) -> Exchange.ok(res, training.pipeline().report()));
    }

    private void submit(ServerRequest req, ServerResponse res) {
        var job = training.submit(Exchange.body(req, JobRequest.class));
        Exchange.accepted(res, job, "job " + job.jobId() + " queued");
    }

    private void runPipeline(ServerRequest req, ServerResponse res) {
        var body = Exchange.bodyOr(req, PipelineRequest.class, PipelineRequest::empty);
        var status = training.pipeline().run(body);
        Exchange.accepted(res, status, status.message());
    }

    private void list(ServerRequest req, ServerResponse res) {
        var phase = query(req, "phase", ModelPhase::parse);
        var status = query(req, "status", TaskStatus::parse);
        var offset = query(req, "offset", text -> integer("offset", text));
        var limit = query(req, "limit", text -> integer("limit", text));
        var page = new PageRequest(offset == null ? 0 : offset, limit == null ? PageRequest.DEFAULT_LIMIT : limit);
        Exchange.ok(res, training.jobs(new JobQuery(phase, status, page)));
    }

    private void job(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.job(id(req)));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.cancel(id(req)), "job cancelled; its worker stops at a checkpoint");
    }

    private void pause(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.pause(id(req)), "job paused; resume continues from its last checkpoint");
    }

    private void resume(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.resume(id(req)), "job queued to resume from its last checkpoint");
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        var query = req.query();
        var window = MetricWindow.parse(query.first("buckets").orElse(null), query.first("from").orElse(null),
                query.first("to").orElse(null), query.all("metric", List::of));
        Exchange.ok(res, window == null ? training.metrics(id(req)) : training.metricBuckets(id(req), window));
    }

    private void implementedPhases(ServerRequest req, ServerResponse res) {
        Exchange.ok(res, training.implementedPhases());
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    /** An optional query parameter, parsed; absent or empty is null (clients send {@code ?phase=} for "any"). */
    private static <T> T query(ServerRequest req, String name, Function<String, T> parse) {
        var value = req.query().first(name).orElse("");
        return value.isBlank() ? null : parse.apply(value);
    }

    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name, "an integer", text);
        }
    }
}
