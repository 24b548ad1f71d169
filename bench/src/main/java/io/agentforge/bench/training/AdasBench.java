package io.agentforge.bench.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.AdasRun;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.PhaseContext;
import io.agentforge.training.worker.StopSignal;
import io.agentforge.training.worker.WorkerChannel;
import io.agentforge.training.worker.WorkerSpec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The ADAS phase on one preset through the runner the Training worker uses (no servers). The incoming model is the
 * given exported directory (along the pipeline: Tool/Persona's winner, ternary), or, without one, a stand-in trained
 * here at full precision for {@code fpSteps} and ternarised without QAT (say which in the report). Writes
 * {@code bench/results/adas-<preset>-<UTC>.md}: wall time, the front as a table, the hypervolume history and its gain
 * over generation 0, Spearman ρ(parameters, loss), the noise floor and the chosen model against the incoming one
 * (test loss, exact match, parameters, latency); {@code phase_stats.json} and the progress lines beside it.
 *
 * <p>Arguments: {@code <preset> [incoming-model-dir]}. System properties (defaults in brackets, the phase's own for
 * {@code small}): {@code generations} [3], {@code population} [8], {@code candidateSteps} [120], {@code parameterCap}
 * [1000000], {@code parameterBudget} [0 = knee], {@code distillSteps} [600], {@code lr} [1e-3], {@code evalInterval}
 * [100], {@code dataset} [curriculum], {@code batchSize} [16], {@code seed} [42], {@code maxTrainSamples} [5000],
 * {@code maxEvalSamples} [500], {@code fpSteps} [1500] for the stand-in incoming model.
 */
public final class AdasBench {
    private static final Path DATASETS = Path.of(System.getProperty("datasetsDir", "data/datasets"));

    public static void main(String[] args) throws Exception {
        var arguments = PhaseBenchArguments.parse(args, "adas", "AdasBench <preset> [incoming-model-dir]", false);
        String preset = arguments.preset();
        Path work = Files.createTempDirectory("adas-" + preset + "-");
        var parameters = arguments.commonParameters(500);
        parameters.put("dataset", System.getProperty("dataset", Curriculum.NAME));
        parameters.put("learning_rate", Double.parseDouble(System.getProperty("lr", "1e-3")));
        parameters.put("use_grokfast", false);
        parameters.put("max_steps", Integer.getInteger("distillSteps", 600));
        parameters.put("eval_interval", Integer.getInteger("evalInterval", 100));
        parameters.put("generations", Integer.getInteger("generations", 3));
        parameters.put("population", Integer.getInteger("population", 8));
        parameters.put("candidate_steps", Integer.getInteger("candidateSteps", 120));
        parameters.put("parameter_cap", Long.getLong("parameterCap", 1_000_000));
        parameters.put("parameter_budget", Long.getLong("parameterBudget", 0));
        var checked = PhaseParameters.of(new JobRequest(ModelPhase.ADAS, null, parameters, null), DATASETS);

        Path incoming;
        String source;
        if (arguments.model().isPresent()) {
            incoming = arguments.model().get();
            source = "the given model " + incoming;
        } else {
            incoming = work.resolve("incoming");
            long started = System.nanoTime();
            standIn(preset, checked, incoming);
            source = String.format(Locale.ROOT, "a stand-in: `%s` trained here at full precision for %d steps (%.0f s) and "
                    + "ternarised without QAT", preset, Integer.getInteger("fpSteps", 1500), (System.nanoTime() - started) / 1e9);
        }

        var job = work.resolve("adas");
        var progress = arguments.file("-progress.jsonl");
        var spec = new WorkerSpec("bench-adas", ModelPhase.ADAS, checked, job, 1);
        var model = new InputModel("bench", "bench-input-adas", incoming.getFileName().toString(), "winner",
                "unchecked (given directly)", null, incoming);
        try (var out = new PrintStream(Files.newOutputStream(progress), true, java.nio.charset.StandardCharsets.UTF_8)) {
            int exit = new AdasRun().run(new PhaseContext(spec, List.of(model), new WorkerChannel(out), new StopSignal()));
            if (exit != 0) {
                throw new IllegalStateException("adas ended with exit code " + exit + "; see " + progress);
            }
        }
        Files.copy(job.resolve("phase_stats.json"), arguments.file(".json"));
        var md = report(preset, arguments.stamp(), source,
                Json.mapper().readTree(job.resolve("phase_stats.json").toFile()));
        Files.writeString(arguments.file(".md"), md);
        System.out.println(md);
    }

    private static void standIn(String preset, PhaseParameters parameters, Path dir) throws Exception {
        var config = TransformerConfig.preset(preset);
        var data = DatasetSource.parse(parameters.dataset(), config.contextLength()).withMix(Curriculum.Mix.BALANCED)
                .load(new ByteTokenizer(), config.contextLength(), new SplitSettings(0.8, 0.1,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), parameters.seed()));
        int steps = Integer.getInteger("fpSteps", 1500);
        var run = TrainingRun.builder(config, new DatasetSplits(data.train(), data.select(), List.of(), data.leftOut()))
                .modelName("incoming").learningRate(1e-3).maxSteps(steps).batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10)).evalInterval(Math.max(1, steps / 10))
                .grokFast(new GrokFastSettings.Off()).seed(parameters.seed()).build();
        try (var fp = new Trainer().run(run, p -> { }, new io.agentforge.engine.training.StopSignal()).model();
             var ternary = Ternarization.convert(fp, Quantization.TERNARY)) {
            ModelExport.save(ternary, null, dir);
        }
    }

    static String report(String preset, String stamp, String source, JsonNode stats) {
        var md = new StringBuilder();
        md.append("# ADAS on `").append(preset).append("` (").append(stamp).append(")\n\n");
        md.append("Written by `io.agentforge.bench.training.AdasBench`. Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(Runtime.version())
                .append(", threads ").append(stats.path("latency_threads").asText()).append(", load average at the end ")
                .append(String.format(Locale.ROOT, "%.1f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(". Incoming model: ").append(source).append(".\n\n");
        md.append(String.format(Locale.ROOT, "Wall time %.0f s (goal ≤ 1200 s, distillation included); %d evaluations.%n%n",
                stats.path("wall_time_seconds").asDouble(), stats.path("evaluation_count").asInt()));
        md.append("Pareto front (all evaluations, 3 objectives):\n\n| layers | d_model | heads | ffn × | tied | select loss | parameters | latency ms |\n|---|---|---|---|---|---|---|---|\n");
        for (var p : stats.path("pareto_front")) {
            var c = p.path("config");
            md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %.4f | %d | %.2f |%n", c.path("layers").asInt(),
                    c.path("d_model").asInt(), c.path("heads").asInt(), c.path("ffn_mult").asInt(), c.path("tied_head").asBoolean(),
                    p.path("select_loss").asDouble(), p.path("parameters").asLong(), p.path("latency_ms").asDouble()));
        }
        md.append("\nHypervolume of all points so far, per generation (reference ").append(stats.path("hypervolume_reference"))
                .append("): ").append(stats.path("hypervolume_history")).append("; gain over generation 0: ")
                .append(stats.path("hypervolume_gain")).append(" (ratio ").append(stats.path("hypervolume_gain_ratio").isMissingNode()
                        ? "undefined" : stats.path("hypervolume_gain_ratio").toString()).append(").\n\n");
        md.append("Spearman ρ(parameters, select loss): ").append(stats.path("spearman_params_loss").isMissingNode()
                ? "undefined" : stats.path("spearman_params_loss").toString()).append("; noise floor: ")
                .append(stats.path("noise_floor")).append(".\n\n");
        md.append("Chosen (").append(stats.path("chosen_rule").asText()).append("): ").append(stats.path("chosen_config"))
                .append("\n\n| model | test loss | test exact match | parameters | latency ms |\n|---|---|---|---|---|\n");
        md.append("| incoming | ").append(stats.path("incoming_test_loss")).append(" | ").append(stats.path("incoming_test_exact_match"))
                .append(" | ").append(stats.path("incoming_parameters")).append(" | ").append(stats.path("incoming_latency_ms")).append(" |\n");
        md.append("| chosen (distilled, ternary) | ").append(stats.path("chosen_test_loss")).append(" | ")
                .append(stats.path("chosen_test_exact_match")).append(" | ").append(stats.path("chosen_parameters")).append(" | ")
                .append(stats.path("chosen_latency_ms")).append(" |\n");
        if (stats.has("incoming_tool_use")) {
            md.append("\nTool use: incoming ").append(stats.path("incoming_tool_use")).append("; chosen ")
                    .append(stats.path("chosen_tool_use")).append(".\n");
        }
        md.append("\nParameters: ").append(stats.path("parameters")).append(".\n");
        return md.toString();
    }
}
