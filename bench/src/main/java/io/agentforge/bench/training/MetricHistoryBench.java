package io.agentforge.bench.training;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.contracts.training.TrainingProgress;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Sql;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.history.MetricHistory;
import io.agentforge.training.jobs.JobMetricHistory;
import io.agentforge.training.jobs.JobStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The bucketed history of one long run ({@code GET /jobs/{id}/metrics?buckets=N}): a job with {@code steps} recorded
 * points (loss, lr, grad_norm, tokens_per_sec, data_seed every step, eval_loss every 100) in an H2 database file, as
 * the all-in-one start keeps it, written as raw rows the way a version before the chart blocks wrote them; then the
 * Training service's {@link MetricHistory} asked for 2,000 buckets: the first request builds the blocks (once, as
 * after an upgrade), then cold requests (each on a freshly opened database), warm ones, zooms, and the cost of
 * recording a point with its blocks. Each answer is also written as JSON, as the API sends it.
 *
 * <p>Run: {@code java -cp "$(cat target/bench.cp):bench/target/classes" io.agentforge.bench.training.MetricHistoryBench
 * [steps] [cold requests] [data dir]} (default 1,000,000, 5 and a new temporary directory; a directory that
 * holds a run from an earlier call is measured again without seeding).
 */
public final class MetricHistoryBench {
    private MetricHistoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int colds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("metric-history-bench");
        var all = new MetricWindow(2_000, null, null, Set.of());
        if (Files.exists(dir.resolve("agentforge.mv.db"))) {
            // A run seeded by an earlier call: measure its cold and warm requests again without seeding it anew.
            try (var database = Database.open(null, dir, TrainingServer.SCHEMA)) {
                measure(dir, new JobStore(database).list(new JobQuery(null, null, new PageRequest(0, 1)))
                        .items().getFirst().jobId(), steps, colds, all);
            }
            return;
        }
        String jobId;
        try (var database = Database.open(null, dir, TrainingServer.SCHEMA)) {
            var jobs = new JobStore(database);
            jobId = jobs.insert(new JobRequest(ModelPhase.COGNATE,
                    new TrainingConfig(steps, 16, 2e-4, "out", null, null, true), Map.of(), 0)).jobId();
            long seeded = System.nanoTime();
            seed(database, jobId, steps);
            System.out.printf("seeded %,d raw points in %.1f s%n", steps, (System.nanoTime() - seeded) / 1e9);
        }
        try (var database = Database.open(null, dir, TrainingServer.SCHEMA)) {
            System.out.printf("first request of a run recorded before the blocks existed (builds them once, as after"
                    + " an upgrade): %.1f ms wall, %.1f ms CPU%n", timed(() -> new MetricHistory(database)
                    .buckets(jobId, all)), lastCpuMillis);
        }
        measure(dir, jobId, steps, colds, all);
    }

    private static void measure(Path dir, String jobId, int steps, int colds, MetricWindow all) {
        var cold = new double[colds];
        var coldCpu = new double[colds];
        for (int i = 0; i < colds; i++) {
            // A freshly opened database file: nothing of it in H2's cache (the OS may still hold its pages).
            try (var database = Database.open(null, dir, TrainingServer.SCHEMA)) {
                cold[i] = timed(() -> new MetricHistory(database).buckets(jobId, all));
                coldCpu[i] = lastCpuMillis;
            }
        }
        report("cold (database just opened), whole run, 2,000 buckets", cold);
        report("  the same, CPU time", coldCpu);
        try (var database = Database.open(null, dir, TrainingServer.SCHEMA)) {
            var history = new MetricHistory(database);
            history.buckets(jobId, all);
            var warm = new double[30];
            var warmCpu = new double[30];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = timed(() -> history.buckets(jobId, all));
                warmCpu[i] = lastCpuMillis;
            }
            report("warm, whole run, 2,000 buckets", warm);
            report("  the same, CPU time", warmCpu);
            var random = new Random(7);
            var zoom = new double[30];
            for (int i = 0; i < zoom.length; i++) {
                int from = random.nextInt(steps - 1_000);
                int to = from + 1_000 + random.nextInt(steps - from - 1_000 + 1);
                zoom[i] = timed(() -> history.buckets(jobId, new MetricWindow(2_000, from, to, Set.of())));
            }
            report("warm, random zoom windows (1,000 steps or more), 2,000 buckets", zoom);
            var points = new JobMetricHistory(database);
            var write = new double[200];
            for (int i = 0; i < write.length; i++) {
                int step = steps + i + 1;
                long start = System.nanoTime();
                points.appendMetric(new TrainingProgress(jobId, 1.0, step, step, "", Sql.numberMap(metrics(step)),
                        Instant.now()));
                write[i] = (System.nanoTime() - start) / 1e6;
            }
            report("recording one more point (raw row and its 8 blocks, one transaction)", write);
            var appended = new double[10];
            for (int i = 0; i < appended.length; i++) {
                insert(points, jobId, steps + write.length + i + 1);
                appended[i] = timed(() -> history.buckets(jobId, all));
            }
            report("whole run after one more recorded point", appended);
        }
    }

    private interface Query {
        Object run();
    }

    private static final ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean();
    private static double lastCpuMillis;

    /**
     * One request's wall time, answer written as JSON included; its CPU time (this thread's) is kept in
     * {@link #lastCpuMillis}: on a shared machine the wall time includes waiting for a core.
     */
    private static double timed(Query query) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        var json = Json.write(query.run());
        if (json.isEmpty()) {
            throw new IllegalStateException("empty answer");
        }
        lastCpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
        return (System.nanoTime() - start) / 1e6;
    }

    private static void report(String what, double[] millis) {
        var sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: median %.1f ms, max %.1f ms over %d requests%n", what, sorted[sorted.length / 2],
                sorted[sorted.length - 1], sorted.length);
    }

    private static void seed(Database database, String jobId, int steps) {
        database.withConnection(connection -> {
            connection.setAutoCommit(false);
            try (var insert = connection.prepareStatement("INSERT INTO job_metrics (job_id, step, progress,"
                    + " total_steps, metrics, message, recorded_at) VALUES (?, ?, ?, ?, ?, '', ?)")) {
                var start = Instant.now().minus(Duration.ofDays(3));
                for (int step = 1; step <= steps; step++) {
                    insert.setString(1, jobId);
                    insert.setInt(2, step);
                    insert.setDouble(3, (double) step / steps);
                    insert.setInt(4, steps);
                    insert.setString(5, metrics(step));
                    insert.setTimestamp(6, Timestamp.from(start.plusMillis(250L * step)));
                    insert.addBatch();
                    if (step % 10_000 == 0) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
                connection.commit();
            }
            connection.setAutoCommit(true);
            try (var older = connection.prepareStatement("UPDATE training_jobs SET metrics_rolled_up = FALSE"
                    + " WHERE id = ?")) {
                // Raw rows written straight, as by a version before the blocks: the first read builds them.
                older.setString(1, jobId);
                older.executeUpdate();
            }
            return null;
        });
    }

    private static void insert(JobMetricHistory points, String jobId, int step) {
        points.appendMetric(new TrainingProgress(jobId, 1.0, step, step, "", Sql.numberMap(metrics(step)),
                Instant.now()));
    }

    private static String metrics(int step) {
        double loss = 5.5 / Math.sqrt(step) + (step % 7919 == 0 ? 3.0 : 0.0);
        var json = "{\"loss\":" + loss + ",\"lr\":" + 2e-4 * Math.min(1.0, step / 1000.0) + ",\"grad_norm\":"
                + (1.0 + (step % 13) / 13.0) + ",\"tokens_per_sec\":" + (20_000 + step % 500) + ",\"data_seed\":42.0";
        return json + (step % 100 == 0 ? ",\"eval_loss\":" + loss * 1.1 + "}" : "}");
    }
}
