package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.training.parameters.PhaseParameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Cognate phase: one shared initial state (the ancestor), then three runs from it that differ only in the data
 * seed, so that EvoMerge can merge them relative to the ancestor. Every stage leaves its result in the job directory,
 * so a worker started again skips what is done and continues the unfinished run from its checkpoint.
 */
public final class CognateRun {
    public static final List<Long> DATA_SEEDS = List.of(42L, 1337L, 2023L);
    /** The train mix of each model, in the order of {@link #DATA_SEEDS}: three diets, so a merge can beat each. */
    public static final List<Curriculum.Mix> MIXES = List.of(Curriculum.Mix.WORD_PROBLEM_HEAVY,
            Curriculum.Mix.ARITHMETIC_HEAVY, Curriculum.Mix.BALANCED);
    static final String EXPORT = "export";

    private final ModelTrainer trainer;
    private final WorkerChannel channel;

    public CognateRun(ModelTrainer trainer, WorkerChannel channel) {
        this.trainer = trainer;
        this.channel = channel;
    }

    /** Runs what is left of the job; returns the worker's exit code. */
    public int run(WorkerSpec spec, StopSignal stop) throws Exception {
        var parameters = spec.parameters();
        int totalSteps = parameters.maxSteps() * DATA_SEEDS.size();
        var clock = PhaseClock.start(spec.jobDir());
        var ancestor = ensureAncestor(spec);
        var artifacts = new ArrayList<WorkerMessage.Artifact>();
        artifacts.add(artifact("cognate-ancestor", "ancestor", ancestor, null, parameters, parameters.seed()));
        var eta = new EtaClock(totalSteps);
        boolean startedSent = false;
        for (int index = 0; index < DATA_SEEDS.size(); index++) {
            long seed = DATA_SEEDS.get(index);
            var runDir = spec.jobDir().resolve("run-" + seed);
            var export = runDir.resolve(EXPORT);
            int offset = index * parameters.maxSteps();
            if (!Files.isDirectory(export)) {
                var listener = new RunListener(channel, eta, offset, totalSteps, seed, !startedSent);
                startedSent = true;
                if (!trainer.train(ancestor, runDir, seed, MIXES.get(index), parameters, listener, stop)) {
                    channel.send(new WorkerMessage.Stopped(listener.lastGlobalStep()));
                    return WorkerMain.EXIT_STOPPED;
                }
            }
            artifacts.add(artifact("cognate-seed" + seed, "model", export, "cognate-ancestor", parameters, seed));
        }
        if (!startedSent) {
            channel.send(new WorkerMessage.Started(totalSteps, totalSteps, ProcessHandle.current().pid()));
        }
        var stats = phaseStats(spec, ancestor, artifacts, clock);
        PhaseClock.writeStats(spec.jobDir(), stats);
        // The winner goes last, so that its metadata can name every other model of the run.
        var winner = (String) stats.get("winner_artifact");
        var ordered = new ArrayList<>(artifacts.stream().filter(a -> !a.name().equals(winner)).toList());
        ordered.add(artifacts.stream().filter(a -> a.name().equals(winner)).findFirst().orElseThrow());
        var last = ordered.getLast().metrics();
        channel.send(new WorkerMessage.Completed(totalSteps, withParameterCount(ordered, last), last));
        return WorkerMain.EXIT_COMPLETED;
    }

    /**
     * Cognate's {@code phase_stats.json}: per model its test loss and exact match and its select loss (from its
     * training_stats.json), the random baseline (the ancestor, an untrained model of the same shape, on the same
     * test split), the split hashes, and the winner: the model with the lowest select loss.
     */
    private Map<String, Object> phaseStats(WorkerSpec spec, Path ancestor, List<WorkerMessage.Artifact> artifacts,
                                           PhaseClock clock) throws Exception {
        var parameters = spec.parameters();
        var data = trainer.describeData(parameters, DATA_SEEDS, MIXES);
        var baseline = trainer.evaluateOnTest(ancestor, parameters);
        var models = new ArrayList<Map<String, Object>>();
        String winner = null;
        double bestSelect = Double.POSITIVE_INFINITY;
        for (int index = 0; index < DATA_SEEDS.size(); index++) {
            var artifact = artifacts.get(index + 1);
            var metrics = artifact.metrics();
            var model = new LinkedHashMap<String, Object>();
            model.put("artifact", artifact.name());
            model.put("data_seed", DATA_SEEDS.get(index));
            model.put("mix", MIXES.get(index).wireName());
            for (var key : List.of("test_loss", "test_exact_match", "select_loss", "final_loss", "training_time")) {
                var value = metrics.get(key);
                // A number that could not be measured is absent, not 0 (the stats contract).
                if (value != null && Double.isFinite(value)) {
                    model.put(key, value);
                }
            }
            model.putAll(data.models().get(index));
            models.add(model);
            var select = metrics.get("select_loss");
            if (winner == null || select != null && select < bestSelect) {
                winner = artifact.name();
                bestSelect = select == null ? bestSelect : select;
            }
        }
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "cognate");
        stats.put("input_models", List.of());
        stats.put("split_hashes", data.splitHashes());
        stats.put("parameters", parameters.asMap());
        stats.put("wall_time_seconds", clock.seconds());
        stats.put("models", models);
        putIfMeasured(stats, "random_baseline_loss", baseline.get("test_loss"));
        putIfMeasured(stats, "random_baseline_exact_match", baseline.get("test_exact_match"));
        stats.put("left_out_examples", data.leftOut());
        stats.put("ancestor_artifact", artifacts.getFirst().name());
        stats.put("winner_artifact", winner);
        stats.put("winner_rule", "lowest select_loss");
        return stats;
    }

    private static void putIfMeasured(Map<String, Object> stats, String key, Double value) {
        if (value != null && Double.isFinite(value)) {
            stats.put(key, value);
        }
    }

    private Path ensureAncestor(WorkerSpec spec) throws Exception {
        var dir = spec.jobDir().resolve("ancestor");
        var export = dir.resolve(EXPORT);
        if (!Files.isDirectory(export)) {
            var temporary = dir.resolve(EXPORT + ".tmp");
            deleteRecursively(temporary);
            trainer.initialState(spec.parameters(), spec.parameters().seed(), temporary);
            // The rename makes the ancestor appear whole or not at all, whatever kills the worker meanwhile.
            Files.move(temporary, export, StandardCopyOption.ATOMIC_MOVE);
        }
        return export;
    }

    private static WorkerMessage.Artifact artifact(String name, String role, Path export, String parent,
                                                   PhaseParameters parameters, long seed) throws IOException {
        var params = new LinkedHashMap<>(parameters.asMap());
        params.put("seed", seed);
        return new WorkerMessage.Artifact(name, role, export, parent, params, numericStats(export));
    }

    /**
     * Puts {@code parameter_count} into every artifact's parameters, where the model registry reads it for its
     * totals; the ancestor has no training stats of its own, but the same architecture as the runs.
     */
    private static List<WorkerMessage.Artifact> withParameterCount(List<WorkerMessage.Artifact> artifacts,
                                                                   Map<String, Double> stats) {
        var count = stats.get("parameter_count");
        if (count == null) {
            return artifacts;
        }
        return artifacts.stream().map(a -> {
            var parameters = new LinkedHashMap<>(a.parameters());
            parameters.put("parameter_count", count.longValue());
            return new WorkerMessage.Artifact(a.name(), a.role(), a.directory(), a.parent(), parameters, a.metrics());
        }).toList();
    }

    /** The numbers of training_stats.json (final_loss, best_eval_loss, parameter_count, ...) as model metrics. */
    static Map<String, Double> numericStats(Path export) throws IOException {
        var file = export.resolve("training_stats.json");
        var metrics = new LinkedHashMap<String, Double>();
        if (Files.isRegularFile(file)) {
            JsonNode stats = Json.mapper().readTree(file.toFile());
            stats.properties().forEach(entry -> {
                if (entry.getValue().isNumber()) {
                    metrics.put(entry.getKey(), entry.getValue().asDouble());
                }
            });
        }
        return metrics;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (var p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Translates one run's steps into the job's steps (runs follow each other) and adds the job-wide ETA. */
    private static final class RunListener implements ModelTrainer.StepListener {
        private final WorkerChannel channel;
        private final EtaClock eta;
        private final int offset;
        private final int totalSteps;
        private final long seed;
        private final boolean announce;
        private volatile int lastGlobalStep;

        RunListener(WorkerChannel channel, EtaClock eta, int offset, int totalSteps, long seed, boolean announce) {
            this.channel = channel;
            this.eta = eta;
            this.offset = offset;
            this.totalSteps = totalSteps;
            this.seed = seed;
            this.announce = announce;
            this.lastGlobalStep = offset;
        }

        @Override
        public void onStart(int resumedFromStep) {
            lastGlobalStep = offset + resumedFromStep;
            if (announce) {
                channel.send(new WorkerMessage.Started(totalSteps, lastGlobalStep, ProcessHandle.current().pid()));
            }
        }

        @Override
        public void onStep(int step, Map<String, Double> metrics) {
            lastGlobalStep = offset + step;
            var all = new LinkedHashMap<>(metrics);
            double secondsLeft = eta.secondsLeft(lastGlobalStep);
            if (!Double.isNaN(secondsLeft)) {
                all.put("eta_seconds", secondsLeft);
            }
            all.put("data_seed", (double) seed);
            channel.send(new WorkerMessage.Progress(lastGlobalStep, totalSteps,
                    "cognate run seed " + seed + ": step " + step, all));
        }

        @Override
        public void onCheckpoint(int step) {
            channel.send(new WorkerMessage.Checkpointed(offset + step));
        }

        int lastGlobalStep() {
            return lastGlobalStep;
        }
    }

    /** Estimates the time left from the measured pace of this worker's steps (not counting start-up). */
    private static final class EtaClock {
        private final int totalSteps;
        private long firstNanos = -1;
        private int firstStep;

        EtaClock(int totalSteps) {
            this.totalSteps = totalSteps;
        }

        double secondsLeft(int step) {
            long now = System.nanoTime();
            if (firstNanos < 0) {
                firstNanos = now;
                firstStep = step;
                return Double.NaN;
            }
            int done = step - firstStep;
            double perStep = done <= 0 ? 0 : (now - firstNanos) / 1e9 / done;
            return perStep * (totalSteps - step);
        }
    }
}
