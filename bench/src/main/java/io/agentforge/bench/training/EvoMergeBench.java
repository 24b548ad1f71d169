package io.agentforge.bench.training;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.training.jobs.TrainingJobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 17's benchmark: a Cognate run (three models from one ancestor), then an EvoMerge job over them, both through
 * the real Training service with its worker JVMs (models kept by the training module's directory-backed model store).
 * Reports EvoMerge's wall time, {@code delta_best}, {@code barrier}, the fitness curve and every test loss, read from
 * the job's {@code phase_stats.json}; nothing is computed here.
 *
 * <p>System properties: {@code preset} [small], {@code cognate.max_steps} [2000, the SPEC default],
 * {@code cognate.batch_size} [16], {@code max_train_samples} [5000], {@code max_eval_samples} [500],
 * {@code generations} [10], {@code population} [8], {@code fitness_tokens} [32768], {@code seed} [42],
 * {@code out} [bench/results/evomerge-&lt;preset&gt;.json].
 */
public final class EvoMergeBench {

    private EvoMergeBench() {
    }

    public static void main(String[] args) throws Exception {
        var preset = System.getProperty("preset", "small");
        var output = Path.of(System.getProperty("out", "bench/results/evomerge-" + preset + ".json"));
        var data = Map.<String, Object>of("model_preset", preset,
                "max_train_samples", Integer.getInteger("max_train_samples", 5000),
                "max_eval_samples", Integer.getInteger("max_eval_samples", 500),
                "seed", Integer.getInteger("seed", 42));
        var cognateParameters = new LinkedHashMap<String, Object>(data);
        cognateParameters.put("max_steps", Integer.getInteger("cognate.max_steps", 2000));
        cognateParameters.put("batch_size", Integer.getInteger("cognate.batch_size", 16));
        var mergeParameters = new LinkedHashMap<String, Object>(data);
        mergeParameters.put("generations", Integer.getInteger("generations", 10));
        mergeParameters.put("population", Integer.getInteger("population", 8));
        mergeParameters.put("fitness_tokens", Integer.getInteger("fitness_tokens", 32_768));

        var dir = Files.createTempDirectory("bench-evomerge");
        var report = new LinkedHashMap<String, Object>();
        report.put("benchmark", "evomerge on " + preset + " Cognate models (issue 17)");
        report.put("date", Instant.now().toString());
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "java", System.getProperty("java.version"), "load_average_before", loadAverage()));
        try (var database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA);
             var bus = new InProcessEventBus()) {
            var models = new ModelShelf(dir.resolve("models"));
            var training = TrainingJobs.start(database, bus, models, SchedulerSettings.defaults(1, dir));
            try {
                var cognate = runJob(training, new JobRequest(ModelPhase.COGNATE, null, cognateParameters, 0));
                report.put("cognate", Map.of("parameters", cognateParameters, "wall_time_seconds",
                        cognate.stats().get("wall_time_seconds"), "models", cognate.stats().get("models")));
                var merge = runJob(training, new JobRequest(ModelPhase.EVOMERGE, null, mergeParameters, 0));
                var stats = merge.stats();
                var evomerge = new LinkedHashMap<String, Object>();
                for (var key : List.of("parameters", "wall_time_seconds", "evaluation_count", "delta_best",
                        "winner_beats_best_parent", "barrier", "winner_test_loss", "best_parent_test_loss",
                        "parent_test_losses", "soup_test_loss", "ancestor_test_loss", "winner_select_loss",
                        "winner_genome", "fitness_history")) {
                    evomerge.put(key, stats.get(key));
                }
                report.put("evomerge", evomerge);
            } finally {
                training.close();
            }
        }
        report.put("load_average_after", loadAverage());
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.get("evomerge")));
        System.out.println("written " + output);
    }

    private static TrainingJob runJob(TrainingJobs training, JobRequest request) throws InterruptedException {
        var job = training.submit(request);
        long lastReport = 0;
        while (!training.job(job.jobId()).status().isFinal()) {
            Thread.sleep(1000);
            if (System.nanoTime() - lastReport > 60e9) {
                lastReport = System.nanoTime();
                var now = training.job(job.jobId());
                System.out.printf("%s %s: step %d, %s%n", request.phase().wireName(), now.status(), now.currentStep(),
                        now.message());
            }
        }
        var done = training.job(job.jobId());
        if (done.status() != TaskStatus.COMPLETED) {
            throw new IllegalStateException(request.phase().wireName() + " job " + done.status() + ": "
                    + done.errorMessage());
        }
        return done;
    }

    /** The machine is shared: other processes' load is part of every figure, so it is recorded with them. */
    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (Exception e) {
            return "unknown";
        }
    }
}
