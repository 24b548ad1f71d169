package io.agentforge.bench.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.training.StepProgress;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training throughput of the {@code small} and {@code cognate-25m} presets (tokens/s and achieved FLOP/s of whole
 * training steps: forward, backward, GrokFast EMA, clipping, AdamW) against the float32 matrix-multiply peak measured
 * through DJL in the same process.
 *
 * <p>FLOPs per trained token are counted as {@code 6 * N + 12 * layers * context * d_model}, where N counts the
 * matrix-multiply parameters (attention and MLP weights of every layer plus the output head); the second term is the
 * attention scores and mixing, over the full causal square since that is what is computed. Layer norms, softmax,
 * GELU and the optimizer are not counted: they are the overhead the ratio exposes.
 *
 * <p>System properties: {@code steps} (timed steps per preset, default 6, after 2 untimed), {@code out}
 * (bench/results/throughput.md), {@code presets} (comma-separated names, default {@code small,cognate-25m}) and
 * {@code batch} (one batch size for every preset; default 16 for small, 8 for the others).
 */
public final class ThroughputBenchmark {

    record Preset(String name, TransformerConfig config, int batchSize) {
    }

    /** {@code peakBefore} and {@code peakAfter} bracket this preset's steps, so that both see the same machine load. */
    record Measurement(String name, long parameters, int batchSize, int context, double tokensPerSec, double secondsPerStep,
                       double flopsPerToken, double achievedFlops, double peakBefore, double peakAfter) {
        double localPeak() {
            return (peakBefore + peakAfter) / 2;
        }
    }

    public static void main(String[] args) throws IOException {
        int steps = Integer.getInteger("steps", 6);
        Path out = Path.of(System.getProperty("out", "bench/results/throughput.md"));
        Engine.getInstance();
        var measurements = new ArrayList<Measurement>();
        var names = System.getProperty("presets", "small,cognate-25m").split(",");
        var presets = new ArrayList<Preset>();
        for (var name : names) {
            int batch = Integer.getInteger("batch", name.equals("small") ? 16 : 8);
            presets.add(new Preset(name.trim(), TransformerConfig.preset(name.trim()), batch));
        }
        for (Preset preset : presets) {
            double before = matMulPeak();
            Measurement m = measure(preset, steps);
            double after = matMulPeak();
            measurements.add(new Measurement(m.name(), m.parameters(), m.batchSize(), m.context(), m.tokensPerSec(),
                    m.secondsPerStep(), m.flopsPerToken(), m.achievedFlops(), before, after));
        }
        double peak = measurements.stream().mapToDouble(m -> Math.max(m.peakBefore(), m.peakAfter())).max().orElseThrow();
        write(out, peak, measurements, steps);
    }

    /** Best of a few square float32 matmuls; n = 1024 and 512 bracket the sizes a training step multiplies. */
    static double matMulPeak() {
        double best = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int n : new int[] {512, 1024}) {
                NDArray a = manager.randomNormal(new Shape(n, n));
                NDArray b = manager.randomNormal(new Shape(n, n));
                for (int round = 0; round < 5; round++) {
                    int reps = n == 512 ? 20 : 4;
                    long start = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        // PyTorch's CPU ops are synchronous: the product is complete when matMul returns.
                        a.matMul(b).close();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    best = Math.max(best, 2.0 * n * n * n * reps / seconds);
                }
            }
        }
        return best;
    }

    private static Measurement measure(Preset preset, int steps) throws IOException {
        TransformerConfig c = preset.config();
        var random = new Random(7);
        var examples = new ArrayList<Example>();
        for (int i = 0; i < preset.batchSize() * (steps + 2) + 8; i++) {
            int[] tokens = new int[c.contextLength() + 1];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = 32 + random.nextInt(95); // printable ASCII, like text
            }
            examples.add(new Example(tokens, 0));
        }
        var data = new DatasetSplits(examples, List.of(), List.of());
        var run = TrainingRun.builder(c, data)
                .modelName("throughput-" + preset.name())
                .grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0))
                .batchSize(preset.batchSize())
                .maxSteps(steps + 2)
                .warmupSteps(1)
                .evalInterval(1000)
                .build();
        var progress = new ArrayList<StepProgress>();
        var result = new Trainer().run(run, progress::add, new StopSignal());
        long parameters = result.model().parameterCount();
        result.model().close();
        var timed = progress.subList(2, progress.size());
        double tokensPerStep = (double) preset.batchSize() * c.contextLength();
        double secondsPerStep = timed.stream().mapToDouble(p -> tokensPerStep / p.tokensPerSec()).average().orElseThrow();
        double tokensPerSec = tokensPerStep / secondsPerStep;
        double flopsPerToken = flopsPerToken(c);
        System.out.printf("%s: %.0f tokens/s, %.3f s/step, %.2f GFLOP/s%n", preset.name(), tokensPerSec, secondsPerStep,
                flopsPerToken * tokensPerSec / 1e9);
        return new Measurement(preset.name(), parameters, preset.batchSize(), c.contextLength(), tokensPerSec, secondsPerStep,
                flopsPerToken, flopsPerToken * tokensPerSec, Double.NaN, Double.NaN);
    }

    static double flopsPerToken(TransformerConfig c) {
        double d = c.dModel();
        double matMulParameters = c.layers() * (4 * d * d + 2 * d * c.ffnSize()) + (double) c.vocabSize() * d;
        return 6 * matMulParameters + 12.0 * c.layers() * c.contextLength() * d;
    }

    private static void write(Path out, double peak, List<Measurement> measurements, int steps) throws IOException {
        var md = new StringBuilder("# Training throughput vs matrix-multiply peak\n\n");
        md.append("Written by `io.agentforge.bench.engine.ThroughputBenchmark` at ").append(Instant.now()).append(".\n\n");
        md.append("Machine: 2-core shared sandbox (other builds running: load average ")
                .append(String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(" at the end), Java ").append(Runtime.version()).append(", DJL 0.36.0 + PyTorch 2.7.1 CPU, ")
                .append("num_threads=").append(System.getProperty("ai.djl.pytorch.num_threads", "default (cores)"))
                .append(", num_interop_threads=").append(System.getProperty("ai.djl.pytorch.num_interop_threads", "default"))
                .append(".\n\n");
        md.append(String.format("Matrix-multiply peak (float32, best of 5 rounds of n=512 and n=1024 square matmuls through "
                + "DJL, measured right before and right after each preset): best seen **%.2f GFLOP/s**. On a loaded machine "
                + "the peak moves with the load, so each preset is also compared with the mean of its own before/after "
                + "peaks.%n%n", peak / 1e9));
        md.append("Each preset: ").append(steps).append(" timed training steps after 2 untimed, full-context sequences, ")
                .append("AdamW + GrokFast EMA + clipping (the cognate phase's step).\n\n");
        md.append("| preset | parameters | batch x context | tokens/s | s/step | FLOPs/token | achieved GFLOP/s | "
                + "peak before / after (GFLOP/s) | share of best peak | share of its own peaks' mean |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : measurements) {
            md.append(String.format("| %s | %,d | %d x %d | %.0f | %.3f | %.3g | %.2f | %.2f / %.2f | %.0f%% | %.0f%% |%n",
                    m.name(), m.parameters(), m.batchSize(), m.context(), m.tokensPerSec(), m.secondsPerStep(),
                    m.flopsPerToken(), m.achievedFlops() / 1e9, m.peakBefore() / 1e9, m.peakAfter() / 1e9,
                    100 * m.achievedFlops() / peak, 100 * m.achievedFlops() / m.localPeak()));
        }
        md.append("\nFLOPs per token = 6 N + 12 layers context d_model, N = layers (4 d² + 2 d ffn) + vocab d.\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
    }
}
