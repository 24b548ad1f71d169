package io.agentforge.bench.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.training.jobs.TrainingJobs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code N} Cognate jobs on the {@code tiny} preset, first all at once with {@code MAX_CONCURRENT_JOBS = N}, then the
 * same jobs one after another ({@code MAX_CONCURRENT_JOBS = 1}); meanwhile a client asks the service's
 * {@code GET /health} every 50 ms. Each run has a fresh database and data directory. Models are stored in a
 * directory-backed ModelService (the training module's test fixture), so the figures are the Training service's own.
 *
 * <p>Arguments: {@code [jobs=10] [max_steps per seed=30] [results file] [concurrent-only]}.
 */
public final class ConcurrentJobsBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConcurrentJobsBench() {
    }

    record Result(String mode, int jobs, int maxConcurrentJobs, int completed, int failed, int modelsSaved,
                  double wallSeconds, int healthRequests, int healthErrors, double healthP50Ms, double healthP99Ms,
                  double healthMaxMs, String loadAverageBefore, String loadAverageAfter) {
    }

    /** The machine is shared: other processes' load is part of every figure, so it is recorded with them. */
    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (Exception e) {
            return "unknown";
        }
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int maxSteps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        var output = Path.of(args.length > 2 ? args[2] : "bench/results/training-concurrency.json");
        var concurrent = run("concurrent", jobs, jobs, maxSteps);
        print(concurrent);
        if (args.length > 3 && args[3].equals("concurrent-only")) {
            return;
        }
        var sequential = run("sequential", jobs, 1, maxSteps);
        print(sequential);

        var report = new LinkedHashMap<String, Object>();
        report.put("benchmark", "training: " + jobs + " concurrent tiny Cognate jobs vs one after another");
        report.put("date", Instant.now().toString());
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "java", System.getProperty("java.version")));
        report.put("job", Map.of("phase", "cognate", "model_preset", "tiny", "max_steps_per_seed", maxSteps,
                "seeds", 3, "batch_size", 4, "max_train_samples", 200, "max_eval_samples", 20));
        report.put("results", List.of(concurrent, sequential));
        report.put("speedup", sequential.wallSeconds() / concurrent.wallSeconds());
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        System.out.println("written " + output);
    }

    private static Result run(String mode, int jobs, int maxConcurrentJobs, int maxSteps) throws Exception {
        var dir = Files.createTempDirectory("bench-training-" + mode);
        try (var database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA);
             var bus = new InProcessEventBus()) {
            var models = new ModelShelf(dir.resolve("models"));
            var training = TrainingJobs.start(database, bus, models, SchedulerSettings.defaults(maxConcurrentJobs, dir));
            var server = TrainingServer.create(new TrainingServiceConfig(0, maxConcurrentJobs, Optional.empty()), dir,
                    List.of(HealthCheck.of("database", database::check)), training).start();
            try {
                var latencies = new ArrayList<Double>();
                var series = new StringBuilder("seconds,latency_ms,database_check_ms,workers_check_ms\n");
                var errors = new int[1];
                var running = new AtomicBoolean(true);
                var prober = Thread.ofPlatform().name("health-prober").start(() ->
                        probe(server.port(), running, latencies, errors, series));
                var loadBefore = loadAverage();
                long start = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    training.submit(new JobRequest(ModelPhase.COGNATE, null, Map.of("model_preset", "tiny",
                            "max_steps", maxSteps, "batch_size", 4, "max_train_samples", 200,
                            "max_eval_samples", 20, "seed", i), 0));
                }
                while (finished(training) < jobs) {
                    Thread.sleep(200);
                }
                double wall = (System.nanoTime() - start) / 1e9;
                running.set(false);
                prober.join();
                Files.writeString(Path.of(System.getProperty("bench.series", "target"))
                        .resolve("training-health-" + mode + ".csv"), series);
                var sorted = latencies.stream().sorted().toList();
                return new Result(mode, jobs, maxConcurrentJobs, count(training, TaskStatus.COMPLETED),
                        count(training, TaskStatus.FAILED), models.stored().size(), wall, sorted.size(), errors[0],
                        percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.isEmpty() ? 0 : sorted.getLast(),
                        loadBefore, loadAverage());
            } finally {
                server.close();
                training.close();
            }
        }
    }

    private static void probe(int port, AtomicBoolean running, List<Double> latencies, int[] errors,
                              StringBuilder series) {
        long origin = System.nanoTime();
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build();
        while (running.get()) {
            long start = System.nanoTime();
            try {
                var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                double millis = (System.nanoTime() - start) / 1e6;
                JsonNode body = Json.mapper().readTree(response.body());
                if (response.statusCode() != 200 || !body.has("status")) {
                    errors[0]++;
                }
                latencies.add(millis);
                series.append(String.format("%.2f,%.2f,%s,%s%n", (start - origin) / 1e9, millis,
                        body.at("/checks/database/response_time").asText(),
                        body.at("/checks/workers/response_time").asText()));
                Thread.sleep(50);
            } catch (Exception e) {
                errors[0]++;
            }
        }
    }

    private static int finished(TrainingJobs training) {
        return count(training, TaskStatus.COMPLETED) + count(training, TaskStatus.FAILED)
                + count(training, TaskStatus.CANCELLED);
    }

    private static int count(TrainingJobs training, TaskStatus status) {
        return (int) training.jobs(new JobQuery(null, status, null)).total();
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void print(Result result) {
        System.out.printf("%s: %d jobs, max %d at once: %d completed, %d failed, %d models, %.1f s;"
                        + " GET /health n=%d errors=%d p50 %.1f ms p99 %.1f ms max %.1f ms%n", result.mode(),
                result.jobs(), result.maxConcurrentJobs(), result.completed(), result.failed(), result.modelsSaved(),
                result.wallSeconds(), result.healthRequests(), result.healthErrors(), result.healthP50Ms(),
                result.healthP99Ms(), result.healthMaxMs());
        System.out.printf("  load average before %s, after %s%n", result.loadAverageBefore(), result.loadAverageAfter());
    }
}
