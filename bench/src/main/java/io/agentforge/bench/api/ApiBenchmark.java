package io.agentforge.bench.api;

import io.agentforge.api.ApiService;
import io.agentforge.bench.Wrk;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRepository;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.api.ApiServiceConfig;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.JobMetricHistory;
import io.agentforge.training.jobs.JobQueue;
import io.agentforge.training.jobs.JobStore;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /phases/status} and {@code GET /models} (100 models) of the real API service, over the embedded H2 file
 * database and the real Model registry, under wrk; a bare Helidon hello-world is measured in the same run, before and
 * after, as the ceiling of this machine at that moment.
 *
 * <p>Usage: {@code ApiBenchmark [seconds per target, default 15] [connections, default 64] [results file]}
 */
public final class ApiBenchmark {

    private ApiBenchmark() {
    }

    record Result(String target, double rps, double p50, double p99, long non2xx) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        var resultsFile = Path.of(args.length > 2 ? args[2] : "bench/results/api.md");
        var dir = Files.createTempDirectory("api-bench");

        var hello = bareServer("{\"message\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
        try (var database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA, ModelServer.SCHEMA);
             var bus = new InProcessEventBus()) {
            seedJobs(new JobStore(database), new JobQueue(database), new JobMetricHistory(database));
            seedModels(new ModelRepository(database), 100);
            var models = ModelServer.registry(new ModelServiceConfig(0, dir.resolve("models"), 1 << 30), database, bus);
            // The real Training service over the seeded tables: it has nothing pending to run, so it only answers reads.
            try (var training = TrainingJobs.start(database, bus, models, SchedulerSettings.defaults(5, dir));
                 var api = new ApiService(new ApiServiceConfig(0, List.of("http://localhost:3000")), training, models,
                         bus, List.of(), List.of()).start()) {
                var results = new ArrayList<Result>();
                var helloUrl = "http://127.0.0.1:" + hello.port() + "/hello";
                var apiUrl = "http://127.0.0.1:" + api.port();
                results.add(wrk("hello-world (before)", helloUrl, seconds, connections));
                results.add(wrk("GET /phases/status", apiUrl + "/phases/status", seconds, connections));
                results.add(wrk("GET /models (50 of 100)", apiUrl + "/models", seconds, connections));
                // The same answer's bytes from memory on a bare Helidon route: what sending a page of this size costs
                // this machine at all, so the listing's own work is the gap between this row and the one above.
                var page = bareServer(fetch(apiUrl + "/models"));
                try {
                    results.add(wrk("same bytes as GET /models, bare Helidon from memory",
                            "http://127.0.0.1:" + page.port() + "/hello", seconds, connections));
                } finally {
                    page.stop();
                }
                results.add(wrk("GET /models?limit=100", apiUrl + "/models?limit=100", seconds, connections));
                // As browsers, curl --compressed and most HTTP libraries ask: the same page, gzipped once per cache fill.
                results.add(wrk("GET /models (50 of 100), Accept-Encoding: gzip", apiUrl + "/models", seconds,
                        connections, "-H", "Accept-Encoding: gzip"));
                results.add(wrk("hello-world (after)", helloUrl, seconds, connections));
                report(results, seconds, connections, resultsFile);
            } finally {
                models.close();
            }
        } finally {
            hello.stop();
        }
    }

    /**
     * A bare Helidon server answering {@code GET /hello} with the given JSON bytes; with TCP_NODELAY, as the services
     * have it, without which an answer over one segment waits for the client's delayed ACK.
     */
    private static WebServer bareServer(byte[] body) {
        return WebServer.builder().port(0).host("127.0.0.1").connectionOptions(options -> options.tcpNoDelay(true))
                .routing(r -> r.get("/hello", (req, res) -> {
                    res.header(HeaderValues.CONTENT_TYPE_JSON);
                    res.send(body);
                }))
                .build().start();
    }

    private static byte[] fetch(String url) throws IOException, InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
        }
    }

    /** Cognate finished with a metric history, EvoMerge running, the other six never run. */
    private static void seedJobs(JobStore store, JobQueue queue, JobMetricHistory history) {
        var cognate = store.insert(new JobRequest(ModelPhase.COGNATE, config(200), Map.of("max_steps", 200), null));
        queue.claimNext("bench", Duration.ofMinutes(10), 5);
        for (int step = 10; step <= 200; step += 10) {
            history.recordProgress(new TrainingProgress(cognate.jobId(), step / 200.0, step, 200, "step " + step,
                    Map.of("loss", 5.0 - step / 100.0, "lr", 2e-4), Instant.now()));
        }
        store.finish(cognate.jobId(), TaskStatus.COMPLETED, "completed", null);
        var evomerge = store.insert(new JobRequest(ModelPhase.EVOMERGE, config(50), Map.of("max_steps", 50), null));
        queue.claimNext("bench", Duration.ofMinutes(10), 5);
        history.recordProgress(new TrainingProgress(evomerge.jobId(), 0.2, 10, 50, "generation 2",
                Map.of("fitness", 0.61), Instant.now()));
    }

    private static TrainingConfig config(int maxSteps) {
        return new TrainingConfig(maxSteps, 8, 2e-4, null, 5000, 500, true);
    }

    /** Rows only, as the Model service's own listing benchmark does: the listing reads metadata, not artifacts. */
    private static void seedModels(ModelRepository models, int count) {
        var phases = ModelPhase.values();
        for (int i = 0; i < count; i++) {
            var phase = phases[i % phases.length];
            var id = UUID.randomUUID().toString();
            models.insert(id, new NewModel(phase.wireName() + "-" + i, phase, null,
                            Map.of("parameter_count", 3_300_000 + i, "model_preset", "small"),
                            Map.of("eval_loss", 2.5), List.of(phase.wireName(), "bench"), List.of()),
                    phase.wireName() + "/" + id + ".zip", 13_000_000L + i, HexFormat.of().formatHex(new byte[32]));
        }
    }

    private static Result wrk(String target, String url, int seconds, int connections, String... options)
            throws Exception {
        var measured = Wrk.measure(url, seconds, connections, options);
        System.out.println("== " + target + "\n" + measured.output());
        return new Result(target, measured.requestsPerSecond(), measured.p50(), measured.p99(), measured.non2xx());
    }

    private static void report(List<Result> results, int seconds, int connections, Path file) throws IOException {
        var ceiling = results.stream().filter(r -> r.target().startsWith("hello")).mapToDouble(Result::rps).max()
                .orElse(Double.NaN);
        var text = new StringBuilder("\n## Run " + Instant.now() + " (wrk -t1 -c" + connections + " -d" + seconds
                + "s --latency, after 5 s warm-up; load average " + loadAverage() + ")\n\n"
                + "| target | req/s | x hello-world (best) | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|---|\n");
        for (var r : results) {
            text.append("| %s | %,.0f | %.2f | %.2f | %.2f | %d |%n".formatted(r.target(), r.rps(), r.rps() / ceiling,
                    r.p50(), r.p99(), r.non2xx()));
        }
        System.out.println(text);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
