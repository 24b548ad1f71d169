package io.agentforge.bench.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.training.worker.ToolPersonaRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The Tool/Persona phase on a Forge Training winner, through the runner the Training worker uses. Writes
 * {@code bench/results/tool-persona-<preset>-<UTC>.md} with the wall time and the proof numbers against the issue's
 * goals (delta_tool ≥ 0.3, counterfactual_follow_rate ≥ 0.8, persona_rate ≥ 0.9, text loss rising by < 0.1 nat,
 * wall time ≤ 10 min), and keeps {@code phase_stats.json} and the progress stream beside it.
 *
 * <p>Arguments: {@code <preset> <ternary-model-dir>} (an exported model directory, e.g. Forge Training's
 * {@code forge/export} in its job directory). System properties (defaults in brackets): {@code steps} [500],
 * {@code lr} [1e-3], {@code evalInterval} [50], {@code batchSize} [16], {@code maxTrainSamples} [5000],
 * {@code maxEvalSamples} [500], {@code generalShare} [0.2], {@code personaShare} [0.2], {@code evalProblems} [200],
 * {@code dataset} [cognate-curriculum], {@code grokfast} [false], {@code seed} [42].
 */
public final class ToolPersonaBench {

    public static void main(String[] args) throws Exception {
        var arguments = PhaseBenchArguments.parse(args, "tool-persona", "ToolPersonaBench <preset> <ternary-model-dir>",
                true);
        String preset = arguments.preset();
        Path input = arguments.requiredModel();
        String stamp = arguments.stamp();

        var parameters = arguments.commonParameters(500);
        parameters.put("dataset", System.getProperty("dataset", "cognate-curriculum"));
        parameters.put("max_steps", Integer.getInteger("steps", 500));
        parameters.put("learning_rate", Double.parseDouble(System.getProperty("lr", "1e-3")));
        parameters.put("eval_interval", Integer.getInteger("evalInterval", 50));
        parameters.put("general_share", Double.parseDouble(System.getProperty("generalShare", "0.2")));
        parameters.put("persona_share", Double.parseDouble(System.getProperty("personaShare", "0.2")));
        parameters.put("eval_problems", Integer.getInteger("evalProblems", 200));
        parameters.put("use_grokfast", Boolean.parseBoolean(System.getProperty("grokfast", "false")));

        Path job = Files.createTempDirectory(arguments.name() + "-");
        BitNetForgeBench.run(new ToolPersonaRun(), ModelPhase.TOOL_PERSONA, parameters, job, input,
                arguments.file("-progress.jsonl"));
        Files.copy(job.resolve("phase_stats.json"), arguments.file(".json"));
        JsonNode stats = Json.mapper().readTree(job.resolve("phase_stats.json").toFile());

        var md = new StringBuilder();
        md.append("# Tool/Persona on `").append(preset).append("` (").append(stamp).append(")\n\n");
        md.append("Written by `io.agentforge.bench.training.ToolPersonaBench` from ").append(input).append(". Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(Runtime.version())
                .append(", load average at the end ").append(String.format(Locale.ROOT, "%.1f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(".\n\n| key | value |\n|---|---|\n");
        BitNetForgeBench.row(md, "wall time (s), goal ≤ 600", stats.path("wall_time_seconds"));
        BitNetForgeBench.row(md, "delta_tool, goal ≥ 0.3", stats.path("delta_tool"));
        BitNetForgeBench.row(md, "counterfactual_follow_rate, goal ≥ 0.8", stats.path("counterfactual_follow_rate"));
        BitNetForgeBench.row(md, "persona_rate, goal ≥ 0.9", stats.path("persona_rate"));
        for (var key : List.of("call_rate", "call_valid_rate", "accuracy_with_tool", "accuracy_without_tool",
                "persona_identity_rate", "text_loss_before", "text_loss_after", "tool_problems", "counterfactual_problems",
                "persona_prompts", "best_step", "still_ternary")) {
            BitNetForgeBench.row(md, key, stats.path(key));
        }
        if (stats.has("text_loss_after") && stats.has("text_loss_before")) {
            md.append(String.format(Locale.ROOT, "| text loss rise (nat), goal < 0.1 | %+.4f |%n",
                    stats.get("text_loss_after").asDouble() - stats.get("text_loss_before").asDouble()));
        }
        md.append("\nSamples: ").append(stats.path("samples")).append("\n\nParameters: ").append(stats.path("parameters")).append(".\n");
        Files.writeString(arguments.file(".md"), md);
        System.out.println(md);
    }
}
