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
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.BitNetRun;
import io.agentforge.training.worker.ForgeTrainingRun;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.PhaseContext;
import io.agentforge.training.worker.PhaseRunner;
import io.agentforge.training.worker.StopSignal;
import io.agentforge.training.worker.WorkerChannel;
import io.agentforge.training.worker.WorkerSpec;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BitNet and Forge Training phases along the pipeline on one preset, through the phase runners the Training
 * worker uses: a full-precision model (trained here from scratch, or given as an exported model directory, e.g. a
 * Cognate or EvoMerge winner) goes to BitNet, BitNet's ternary export to Forge Training. Writes
 * {@code bench/results/bitnet-forge-<preset>-<UTC>.md} with each phase's wall time and proof numbers, and keeps both
 * {@code phase_stats.json} beside it.
 *
 * <p>Arguments: {@code <preset> [fp-model-dir]}. System properties (defaults in brackets): {@code fpSteps} [2000]
 * steps of the full-precision model when none is given, {@code fpLr} [1e-3]; {@code bitnetSteps} [400],
 * {@code bitnetLr} [1e-3], {@code rampShare} [0.2]; {@code forgeSteps} [1500], {@code forgeLr} [5e-4],
 * {@code evalInterval} [50], {@code patience} [5]; {@code dataset} [curriculum], {@code batchSize} [16],
 * {@code grokfast} [true], {@code seed} [42], {@code maxTrainSamples} [5000], {@code maxEvalSamples} [500].
 */
public final class BitNetForgeBench {
    /** Where a dataset file named by {@code -Ddataset} must lie (as DATA_DIR/datasets for the services). */
    private static final Path DATASETS = Path.of(System.getProperty("datasetsDir", "data/datasets"));

    public static void main(String[] args) throws Exception {
        var arguments = PhaseBenchArguments.parse(args, "bitnet-forge", "BitNetForgeBench <preset> [fp-model-dir]",
                false);
        String preset = arguments.preset();
        Path work = Files.createTempDirectory("bitnet-forge-" + preset + "-");

        var common = arguments.commonParameters(500);
        common.put("dataset", System.getProperty("dataset", Curriculum.NAME));
        common.put("use_grokfast", Boolean.parseBoolean(System.getProperty("grokfast", "true")));

        Path fp;
        double fpSeconds = Double.NaN;
        if (arguments.model().isPresent()) {
            fp = arguments.model().get();
        } else {
            fp = work.resolve("fp");
            long started = System.nanoTime();
            trainFullPrecision(preset, common, fp);
            fpSeconds = (System.nanoTime() - started) / 1e9;
        }

        var bitnet = new LinkedHashMap<>(common);
        bitnet.put("max_steps", Integer.getInteger("bitnetSteps", 400));
        bitnet.put("learning_rate", Double.parseDouble(System.getProperty("bitnetLr", "1e-3")));
        bitnet.put("ramp_share", Double.parseDouble(System.getProperty("rampShare", "0.2")));
        bitnet.put("eval_interval", Integer.getInteger("evalInterval", 50));
        var bitnetJob = work.resolve("bitnet");
        run(new BitNetRun(), ModelPhase.BITNET, bitnet, bitnetJob, fp, arguments.file("-bitnet-progress.jsonl"));
        JsonNode bitnetStats = Json.mapper().readTree(bitnetJob.resolve("phase_stats.json").toFile());

        var forge = new LinkedHashMap<>(common);
        forge.put("max_steps", Integer.getInteger("forgeSteps", 1500));
        forge.put("learning_rate", Double.parseDouble(System.getProperty("forgeLr", "5e-4")));
        forge.put("eval_interval", Integer.getInteger("evalInterval", 50));
        forge.put("patience", Integer.getInteger("patience", 5));
        var forgeJob = work.resolve("forge");
        run(new ForgeTrainingRun(), ModelPhase.FORGE_TRAINING, forge, forgeJob, bitnetJob.resolve("qat/export"),
                arguments.file("-forge-progress.jsonl"));
        JsonNode forgeStats = Json.mapper().readTree(forgeJob.resolve("phase_stats.json").toFile());

        Files.copy(bitnetJob.resolve("phase_stats.json"), arguments.file("-bitnet.json"));
        Files.copy(forgeJob.resolve("phase_stats.json"), arguments.file("-forge.json"));
        var md = report(preset, arguments.stamp(), fp, arguments.model().isPresent(), fpSeconds, bitnetStats,
                forgeStats);
        Files.writeString(arguments.file(".md"), md);
        System.out.println(md);
    }

    private static void trainFullPrecision(String preset, Map<String, Object> common, Path dir) throws Exception {
        var parameters = PhaseParameters.of(new JobRequest(ModelPhase.BITNET, null, common, null), DATASETS);
        var config = TransformerConfig.preset(preset);
        var data = DatasetSource.parse(parameters.dataset(), config.contextLength()).withMix(Curriculum.Mix.BALANCED)
                .load(new ByteTokenizer(), config.contextLength(), new SplitSettings(0.8, 0.1,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), parameters.seed()));
        int steps = Integer.getInteger("fpSteps", 2000);
        var run = TrainingRun.builder(config, new DatasetSplits(data.train(), data.select(), List.of()))
                .modelName("fp").learningRate(Double.parseDouble(System.getProperty("fpLr", "1e-3")))
                .maxSteps(steps).batchSize(parameters.batchSize()).warmupSteps(Math.min(100, steps / 10))
                .evalInterval(Math.max(1, steps / 10)).grokFast(new GrokFastSettings.Off()).seed(parameters.seed()).build();
        try (var model = new Trainer().run(run, p -> {
            if (p.step() % 100 == 0) {
                System.err.printf("fp step %d loss %.4f%n", p.step(), p.loss());
            }
        }, new io.agentforge.engine.training.StopSignal()).model()) {
            ModelExport.save(model, null, dir);
        }
    }

    static void run(PhaseRunner runner, ModelPhase phase, Map<String, Object> parameters, Path jobDir, Path input,
                            Path progress) throws Exception {
        var spec = new WorkerSpec("bench-" + phase.wireName(), phase,
                PhaseParameters.of(new JobRequest(phase, null, parameters, null), DATASETS), jobDir, 1);
        var model = new InputModel("bench", "bench-input-" + phase.wireName(), input.getFileName().toString(), "winner",
                "unchecked (given directly)", null, input);
        try (var out = new PrintStream(Files.newOutputStream(progress), true, StandardCharsets.UTF_8)) {
            int exit = runner.run(new PhaseContext(spec, List.of(model), new WorkerChannel(out), new StopSignal()));
            if (exit != 0) {
                throw new IllegalStateException(phase.wireName() + " ended with exit code " + exit + "; see " + progress);
            }
        }
    }

    private static String report(String preset, String stamp, Path fp, boolean given, double fpSeconds,
                                 JsonNode bitnet, JsonNode forge) {
        var md = new StringBuilder();
        md.append("# BitNet and Forge Training on `").append(preset).append("` (").append(stamp).append(")\n\n");
        md.append("Written by `io.agentforge.bench.training.BitNetForgeBench`. Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(Runtime.version())
                .append(", load average at the end ").append(String.format(Locale.ROOT, "%.1f",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(".\n\n");
        md.append("Input: ").append(given ? "the given model " + fp : String.format(Locale.ROOT,
                "a full-precision model trained here (%.0f s)", fpSeconds)).append(".\n\n");
        double fp32 = bitnet.path("size_fp32_bytes").asDouble();
        double packed = bitnet.path("size_packed_bytes").asDouble();
        md.append("| BitNet | value |\n|---|---|\n");
        row(md, "wall time (s), goal ≤ 600", bitnet.path("wall_time_seconds"));
        for (var key : List.of("loss_fp", "loss_ptq", "loss_qat", "recovery", "size_fp32_bytes", "size_packed_bytes",
                "distinct_values_max")) {
            row(md, key + (key.equals("recovery") ? " (goal ≥ 0.5)" : ""), bitnet.path(key));
        }
        md.append(String.format(Locale.ROOT, "| packed / fp32 | %.4f |%n%n", packed / fp32));
        md.append("| Forge Training | value |\n|---|---|\n");
        row(md, "wall time (s), goal ≤ 900", forge.path("wall_time_seconds"));
        for (var key : List.of("test_loss_before", "test_loss_after", "test_exact_match_before", "test_exact_match_after",
                "best_step", "last_step", "stopped_early", "still_ternary")) {
            row(md, key, forge.path(key));
        }
        if (forge.has("test_exact_match_after") && forge.has("test_exact_match_before")) {
            md.append(String.format(Locale.ROOT, "| Δ test exact match | %+.4f |%n",
                    forge.get("test_exact_match_after").asDouble() - forge.get("test_exact_match_before").asDouble()));
        }
        md.append("\nParameters: BitNet ").append(bitnet.path("parameters")).append("; Forge ")
                .append(forge.path("parameters")).append(".\n");
        return md.toString();
    }

    static void row(StringBuilder md, String name, JsonNode value) {
        md.append("| ").append(name).append(" | ").append(value.isMissingNode() ? "not measured" : value.toString())
                .append(" |\n");
    }
}
