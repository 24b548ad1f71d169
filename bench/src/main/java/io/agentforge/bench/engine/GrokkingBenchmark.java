package io.agentforge.bench.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.ModularArithmetic;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.training.OptimizerSettings;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Steps to 95% validation accuracy on x·y mod 97 with the GrokFast EMA filter and without, over several seeds, in the
 * setting ../shared/FACTS.md calibrated on this machine: 50% train split, 2 layers, d_model 128, 4 heads, FFN 512,
 * untied head (422,656 parameters), batch 512, Adam with coupled L2 decay 0.005, lr 1e-3, betas 0.9/0.98, 10-step
 * warm-up then constant, no clipping; validation on the whole held-out half every 100 steps.
 *
 * <p>The summary (per-seed ratios, medians of steps and of time to 95%, the ratio of medians and how capped runs count)
 * is computed by {@link GrokFastComparison} from the recorded runs, printed, and written into the markdown.
 *
 * <p>System properties: {@code seeds} (default 1,2,3,4,5), {@code grokfastCap} (3000), {@code plainCap} (10000),
 * {@code out} (bench/results/grokking.md). Each finished run is appended to {@code grokking-runs.jsonl} beside it and
 * the markdown is rebuilt from all runs there, so several processes (one per seed) can share the work and a
 * benchmark cut short still leaves what it measured; the run in progress reports its latest evaluation to
 * {@code grokking-progress-<seed>.txt}. {@code summarize} as the first argument only rebuilds the markdown.
 * {@code init} (GPT2 or TORCH_DEFAULT, see {@link LanguageModel.Init}), {@code variants} (grokfast,plain) picks what each process runs; {@code deadline} (an ISO instant) stops a run that is still going then and records it as cut short at that step.
 */
public final class GrokkingBenchmark {

    private static final int MODULUS = 97;
    private static final double TARGET = 0.95;
    private static final int EVAL_INTERVAL = 100;
    private static final LanguageModel.Init INIT = LanguageModel.Init.valueOf(System.getProperty("init", "GPT2"));
    private static final Instant DEADLINE = Instant.parse(System.getProperty("deadline", "9999-01-01T00:00:00Z"));

    record Outcome(String variant, long seed, int cap, Integer stepsToTarget, int stepsRun, double lastAccuracy,
                   double bestAccuracy, double lastTrainLoss, double secondsPerStep, String status,
                   Double secondsToTarget, Double secondsRun) {

        /** Runs recorded before the times were: their seconds from the mean step time. */
        GrokFastComparison.Run forComparison() {
            double run = secondsRun != null ? secondsRun : secondsPerStep * Math.max(0, stepsRun - 1);
            Double target = secondsToTarget != null ? secondsToTarget
                    : stepsToTarget == null ? null : secondsPerStep * Math.max(0, stepsToTarget - 1);
            return new GrokFastComparison.Run(variant, seed, stepsToTarget, stepsRun, target, run);
        }
    }

    public static void main(String[] args) throws IOException {
        long[] seeds = Arrays.stream(System.getProperty("seeds", "1,2,3,4,5").split(",")).mapToLong(Long::parseLong).toArray();
        int grokfastCap = Integer.getInteger("grokfastCap", 3000);
        int plainCap = Integer.getInteger("plainCap", 10000);
        Path out = Path.of(System.getProperty("out", "bench/results/grokking.md"));
        // One split for every run, so that seeds vary only the initialisation and the batch order.
        var data = DatasetSplits.split(ModularArithmetic.generate(MODULUS, ModularArithmetic.Operation.MULTIPLY),
                new SplitSettings(0.5, 0.5, 0, 0, 0));
        var config = new TransformerConfig(ModularArithmetic.vocabSize(MODULUS), 4, 2, 128, 4, 512, false);
        Path runs = out.resolveSibling(stem(out) + "-runs.jsonl");
        if (args.length > 0 && args[0].equals("summarize")) {
            write(out, read(runs), config, data);
            return;
        }
        // Interleaved, so that a benchmark cut short still has both variants for the seeds it finished.
        var variants = List.of(System.getProperty("variants", "grokfast,plain").split(","));
        for (long seed : seeds) {
            if (variants.contains("grokfast")) {
                record(runs, run("GrokFast EMA", new GrokFastSettings.Ema(0.98, 2.0, 0), grokfastCap, seed, config, data, out));
                write(out, read(runs), config, data);
            }
            if (variants.contains("plain")) {
                record(runs, run("plain", new GrokFastSettings.Off(), plainCap, seed, config, data, out));
                write(out, read(runs), config, data);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    // One short line per append: concurrent appends from the per-seed processes do not interleave.
    private static synchronized void record(Path runs, Outcome outcome) throws IOException {
        Files.createDirectories(runs.toAbsolutePath().getParent());
        Files.writeString(runs, JSON.writeValueAsString(outcome) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static List<Outcome> read(Path runs) throws IOException {
        var outcomes = new ArrayList<Outcome>();
        for (String line : Files.readAllLines(runs)) {
            if (!line.isBlank()) {
                outcomes.add(JSON.readValue(line, Outcome.class));
            }
        }
        outcomes.sort(Comparator.comparing(Outcome::seed).thenComparing(Outcome::variant));
        return outcomes;
    }

    private static Outcome run(String variant, GrokFastSettings grokFast, int cap, long seed, TransformerConfig config,
                               DatasetSplits data, Path out) throws IOException {
        Path progressFile = out.resolveSibling(stem(out) + "-progress-" + seed + "-" + (grokFast instanceof GrokFastSettings.Off ? "plain" : "grokfast") + ".txt");
        var run = TrainingRun.builder(config, data)
                .modelName("grokking-" + variant + "-" + seed)
                .optimizer(new OptimizerSettings(OptimizerSettings.Decay.COUPLED_L2, 1e-3, 0.9, 0.98, 1e-8, 0.005))
                .grokFast(grokFast)
                .maxSteps(cap)
                .batchSize(512)
                .warmupSteps(10)
                .minLearningRateRatio(1.0)
                .clipNorm(0)
                .evalInterval(EVAL_INTERVAL)
                .evalBatchSize(data.select().size())
                .selectExactMatch(true)
                .seed(seed)
                .init(INIT)
                .build();
        var stop = new StopSignal();
        var reached = new Integer[1];
        var reachedSeconds = new Double[1];
        var last = new double[] {Double.NaN, 0, Double.NaN};
        // Timed from the first step's end, so that the engine's start-up and the first step's warm-up do not count.
        var firstStepDone = new long[1];
        TrainingResult result = new Trainer().run(run, progress -> {
            if (progress.step() == 1) {
                firstStepDone[0] = System.nanoTime();
            }
            last[2] = progress.loss();
            if (progress.eval() != null) {
                last[0] = progress.eval().exactMatch();
                last[1] = Math.max(last[1], last[0]);
                String line = String.format("%s %s seed %d step %d loss %.4f val_acc %.4f val_loss %.4f%n", Instant.now(),
                        variant, seed, progress.step(), progress.loss(), progress.eval().exactMatch(), progress.eval().loss());
                System.out.print(line);
                try {
                    Files.writeString(progressFile, line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (progress.eval().exactMatch() >= TARGET && reached[0] == null) {
                    reached[0] = (int) progress.step();
                    reachedSeconds[0] = (System.nanoTime() - firstStepDone[0]) / 1e9;
                    stop.request();
                }
            }
            if (Instant.now().isAfter(DEADLINE)) {
                stop.request();
            }
        }, stop);
        long steps = result.stats().totalSteps();
        double secondsRun = (System.nanoTime() - firstStepDone[0]) / 1e9;
        double secondsPerStep = secondsRun / Math.max(1, steps - 1);
        result.model().close();
        String status = switch (result.outcome()) {
            case DIVERGED -> "diverged (NaN) at step " + steps;
            default -> reached[0] != null ? "reached"
                    : steps < cap ? "not reached within " + steps + " (cut short at the benchmark's deadline; cap was " + cap + ")"
                    : "not reached within " + cap;
        };
        return new Outcome(variant, seed, cap, reached[0], (int) steps, last[0], last[1], last[2], secondsPerStep, status,
                reachedSeconds[0], secondsRun);
    }

    private static void write(Path out, List<Outcome> outcomes, TransformerConfig config, DatasetSplits data)
            throws IOException {
        var md = new StringBuilder();
        md.append("# Grokking: steps to 95% validation accuracy, x·y mod 97\n\n");
        md.append("Written by `io.agentforge.bench.engine.GrokkingBenchmark`, updated ").append(Instant.now()).append(".\n\n");
        md.append("Machine: 2-core shared sandbox (load from other builds), Java ").append(Runtime.version())
                .append(", DJL 0.36.0 + PyTorch 2.7.1 CPU, threads: num_threads=")
                .append(System.getProperty("ai.djl.pytorch.num_threads", "default"))
                .append(", num_interop_threads=").append(System.getProperty("ai.djl.pytorch.num_interop_threads", "default")).append(".\n\n");
        md.append("Setting: ").append(data.train().size()).append(" train / ").append(data.select().size())
                .append(" validation pairs (one fixed 50/50 split), model ").append(config)
                .append(", initialisation ").append(INIT).append(", batch 512, Adam with coupled L2 0.005, lr 1e-3, betas 0.9/0.98, 10-step warm-up, no clipping; ")
                .append("GrokFast EMA alpha 0.98, lambda 2.0; validation every ").append(EVAL_INTERVAL)
                .append(" steps on the whole held-out half; a step count is the first evaluation at or above 95%.\n\n");
        md.append("| variant | seed | steps to 95% | last val acc | best val acc | last train loss | s/step | status |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            md.append(String.format("| %s | %d | %s | %.4f | %.4f | %.4f | %.4f | %s |%n", o.variant(), o.seed(),
                    o.stepsToTarget() == null ? "—" : o.stepsToTarget().toString(), o.lastAccuracy(), o.bestAccuracy(),
                    o.lastTrainLoss(), o.secondsPerStep(), o.status()));
        }
        var summary = GrokFastComparison.markdown(GrokFastComparison.of(
                outcomes.stream().map(Outcome::forComparison).toList()));
        md.append("\n## Summary (computed from the runs above)\n\n").append(summary);
        System.out.println(summary);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
    }

    private static String stem(Path out) {
        return out.getFileName().toString().replaceFirst("\\.md$", "");
    }

}
