package io.agentforge.bench.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.PhaseContext;
import io.agentforge.training.worker.QuietStarRun;
import io.agentforge.training.worker.StopSignal;
import io.agentforge.training.worker.WorkerChannel;
import io.agentforge.training.worker.WorkerSpec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Quiet-STaR phase on one preset through the runner the Training worker uses, from a given full-precision model
 * (the EvoMerge winner's exported directory). Writes {@code bench/results/quietstar-<preset>-<UTC>.md} with the wall
 * time and the proof numbers against the goals ({@code delta_thought} ≥ 0.15, {@code delta_content} > 0, wall
 * time ≤ 10 min), and keeps {@code phase_stats.json}, the per-problem test results and the progress lines beside it.
 *
 * <p>Arguments: {@code <preset> <model-dir>}. System properties (defaults in brackets): {@code stageASteps} [400],
 * {@code lr} [5e-4], {@code batchSize} [16], {@code reinforceSteps} [30], {@code reinforceBatch} [8],
 * {@code thoughts} [4], {@code maxThoughtTokens} [48], {@code reinforceLr} [1e-4], {@code rewardClip} [5],
 * {@code seed} [42], {@code maxTrainSamples} [5000], {@code maxEvalSamples} [300], {@code grokfast} [false].
 */
public final class QuietStarBench {

    public static void main(String[] args) throws Exception {
        var arguments = PhaseBenchArguments.parse(args, "quietstar", "QuietStarBench <preset> <full-precision-model-dir>",
                true);
        String preset = arguments.preset();
        Path input = arguments.requiredModel();
        Path job = Files.createTempDirectory("quietstar-" + preset + "-");

        var parameters = arguments.commonParameters(300);
        parameters.put("max_steps", Integer.getInteger("stageASteps", 400));
        parameters.put("learning_rate", Double.parseDouble(System.getProperty("lr", "5e-4")));
        parameters.put("use_grokfast", Boolean.parseBoolean(System.getProperty("grokfast", "false")));
        parameters.put("eval_interval", 100);
        parameters.put("reinforce_steps", Integer.getInteger("reinforceSteps", 30));
        parameters.put("reinforce_batch", Integer.getInteger("reinforceBatch", 8));
        parameters.put("thoughts_per_question", Integer.getInteger("thoughts", 4));
        parameters.put("max_thought_tokens", Integer.getInteger("maxThoughtTokens", 48));
        parameters.put("reinforce_learning_rate", Double.parseDouble(System.getProperty("reinforceLr", "1e-4")));
        parameters.put("reward_clip", Double.parseDouble(System.getProperty("rewardClip", "5")));

        var spec = new WorkerSpec("bench-quietstar", ModelPhase.QUIETSTAR,
                PhaseParameters.of(new JobRequest(ModelPhase.QUIETSTAR, null, parameters, null), Path.of("data/datasets")),
                job, 1);
        var model = new InputModel("bench", "bench-input", input.getFileName().toString(), "winner",
                "unchecked (given directly)", null, input);
        var progress = arguments.file("-progress.jsonl");
        try (var out = new PrintStream(Files.newOutputStream(progress), true, StandardCharsets.UTF_8)) {
            int exit = new QuietStarRun().run(new PhaseContext(spec, List.of(model), new WorkerChannel(out),
                    new StopSignal()));
            if (exit != 0) {
                throw new IllegalStateException("quietstar ended with exit code " + exit + "; see " + progress);
            }
        }
        Files.copy(job.resolve("phase_stats.json"), arguments.file(".json"));
        Files.copy(job.resolve("test_results.jsonl"), arguments.file("-test-results.jsonl"));
        var stats = Json.mapper().readTree(job.resolve("phase_stats.json").toFile());
        var md = report(preset, arguments.stamp(), input, stats);
        Files.writeString(arguments.file(".md"), md);
        System.out.println(md);
    }

    private static String report(String preset, String stamp, Path input, JsonNode stats) {
        var md = new StringBuilder();
        md.append("# Quiet-STaR on `").append(preset).append("` (").append(stamp).append(")\n\n");
        md.append("Written by `io.agentforge.bench.training.QuietStarBench`. Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(Runtime.version())
                .append(", load average at the end ").append(String.format(Locale.ROOT, "%.1f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(". Input: ").append(input).append(".\n\n");
        md.append("| measure (on test, exact match) | value |\n|---|---|\n");
        var goals = Map.of("wall_time_seconds", " (goal ≤ 600)", "delta_thought", " (goal ≥ 0.15)",
                "delta_content", " (goal > 0)");
        for (var key : List.of("wall_time_seconds", "test_examples", "accuracy_input_model", "accuracy_stage_a_with_thoughts",
                "accuracy_with_thoughts", "accuracy_without_thoughts", "accuracy_scrambled_thoughts", "delta_thought",
                "delta_content", "thought_tokens_mean", "thought_capped_share", "stage_a_steps", "stage_b_steps")) {
            var value = stats.path(key);
            md.append("| ").append(key).append(goals.getOrDefault(key, "")).append(" | ")
                    .append(value.isMissingNode() ? "not measured" : value.toString()).append(" |\n");
        }
        md.append("\nMean reward (log p(answer | q, thought)) per Stage B step: ");
        stats.path("reward_history").forEach(entry -> md.append(String.format(Locale.ROOT, "%.3f ",
                entry.path("mean_reward").asDouble())));
        md.append("\n\nParameters: ").append(stats.path("parameters")).append(".\n");
        return md.toString();
    }
}
