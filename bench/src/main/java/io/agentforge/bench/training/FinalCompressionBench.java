package io.agentforge.bench.training;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.training.artifacts.PhaseStats;
import io.agentforge.training.parameters.PhaseParameters;
import io.agentforge.training.worker.FinalCompressionRun;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.PhaseContext;
import io.agentforge.training.worker.StopSignal;
import io.agentforge.training.worker.WorkerChannel;
import io.agentforge.training.worker.WorkerSpec;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Final Compression phase's figures (issue 23: ratio against fp32 safetensors, delta, loss_unpacked −
 * loss_quantised, wall time), measured by the phase's own runner in this JVM on one input model:
 * <pre>
 *   -Dinput=&lt;model dir&gt;   a model directory (config.json + model.safetensors), e.g. a downloaded and unzipped
 *                          winner of BitNet or ADAS; without it, -Dpreset's BitNet model, ternarised untrained
 *                          (its ratio is real, its delta says little: an untrained model has nothing to lose)
 *   -Dpreset=small         the preset of that untrained model (and the test data's preset)
 *   -Dint4=64              int4 groups of that size for the matrices that are not ternary (default: int8 rows)
 *   -Dout=bench/results/final-compression.md   where a line of figures is appended
 * </pre>
 */
public final class FinalCompressionBench {

    private FinalCompressionBench() {
    }

    public static void main(String[] args) throws Exception {
        var preset = System.getProperty("preset", "small");
        var out = Path.of(System.getProperty("out", "bench/results/final-compression.md"));
        var work = Files.createTempDirectory("agent-forge-final-compression-");
        var input = System.getProperty("input");
        Path modelDir;
        String described;
        if (input != null) {
            modelDir = Path.of(input);
            described = "model " + modelDir.toAbsolutePath();
        } else {
            modelDir = work.resolve("input");
            var config = TransformerConfig.preset(preset).withQuantization(Quantization.BITNET);
            try (var model = LanguageModel.initialize(config, 42); var ternary = Ternarization.ternarize(model)) {
                ModelExport.save(ternary, null, modelDir);
            }
            described = preset + " BitNet model ternarised untrained (seed 42)";
        }
        var parameters = new LinkedHashMap<String, Object>(Map.of("model_preset", preset));
        if (System.getProperty("int4") != null) {
            parameters.put("int4_group_size", Integer.parseInt(System.getProperty("int4")));
        }
        var spec = new WorkerSpec("bench", ModelPhase.FINAL_COMPRESSION,
                PhaseParameters.of(new JobRequest(ModelPhase.FINAL_COMPRESSION, null, parameters, null),
                        work.resolve("datasets")),
                work.resolve("job"), 1);
        var inputModel = new InputModel("bench", "bench-input", modelDir.getFileName().toString(), "winner", "-",
                modelDir, modelDir);
        var channel = new WorkerChannel(new PrintStream(OutputStream.nullOutputStream()));
        int exit = new FinalCompressionRun(channel).run(new PhaseContext(spec, List.of(inputModel), channel,
                new StopSignal()));
        if (exit != 0) {
            throw new IllegalStateException("the run ended with exit code " + exit);
        }
        var stats = PhaseStats.read(spec.jobDir());
        var line = String.format("| %s | %s | %s | %d | %d | %.2fx | %.4f | %.4f | %.4f | %+.4f | %.3g | %s | %.1f s |%n",
                Instant.now(), described, parameters, ((Number) stats.get("input_bytes")).longValue(),
                ((Number) stats.get("artifact_bytes")).longValue(), (double) stats.get("ratio"),
                (double) stats.get("loss_before"), (double) stats.get("loss_quantised"),
                (double) stats.get("loss_unpacked"), (double) stats.get("delta"),
                (double) stats.get("loss_unpacked") - (double) stats.get("loss_quantised"),
                stats.get("greedy_tokens_match"), (double) stats.get("wall_time_seconds"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        if (!Files.exists(out)) {
            Files.writeString(out, "# Final compression\n\nWritten by `io.agentforge.bench.training.FinalCompressionBench`."
                    + "\n\n| at | input | parameters | input_bytes (fp32 safetensors) | artifact_bytes | ratio | loss_before"
                    + " | loss_quantised | loss_unpacked | delta | unpacked − quantised | greedy_tokens_match | wall time |"
                    + "\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        Files.writeString(out, line, StandardOpenOption.APPEND);
        System.out.print(line);
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(stats));
    }
}
