package io.agentforge.training.worker;

import io.agentforge.engine.compression.Codec;
import io.agentforge.engine.compression.Manifest;
import io.agentforge.engine.compression.PackOptions;
import io.agentforge.engine.compression.PackReport;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.compression.ScaleType;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.training.parameters.PhaseParameters;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Final Compression (PHASES.md section 7): packs the previous phase's winner into the compressed container and proves
 * the file is the model it claims to be. The input's fp32 safetensors and the packed file are both written to disk,
 * so that the ratio is one file size over another; the packed file is then decoded from disk into a fresh model
 * (every stream's and tensor's sha256 checked on the way) and evaluated on the test split beside the input and the
 * model quantised in memory, and the unpacked and in-memory models must generate the same greedy tokens.
 *
 * <p>The packed directory is the phase's one model and its winner. Packing takes seconds, so a restarted worker
 * simply does it again.
 */
public final class FinalCompressionRun {
    public static final String ARTIFACT = "final-compressed";
    static final String INPUT_FP32 = "input-fp32";
    static final String PACKED = "packed";
    /** The stages the progress counts: load, input bytes, pack, three evaluations, greedy tokens. */
    static final int STAGES = 7;
    private static final double TRAIN_FRACTION = 0.8;
    private static final double SELECT_FRACTION = 0.1;
    private static final int EVAL_BATCH = 64;

    private final WorkerChannel channel;
    private int stage;

    public FinalCompressionRun(WorkerChannel channel) {
        this.channel = channel;
    }

    /** The packing options the job's parameters ask for: int8 rows by default, int4 groups when a size is given. */
    static PackOptions options(PhaseParameters parameters) {
        int group = ((Number) parameters.own().getOrDefault("int4_group_size", 0)).intValue();
        return group == 0 ? PackOptions.defaults() : new PackOptions(Codec.INT4_GROUPS, ScaleType.FP16, ScaleType.FP32, group);
    }

    public int run(PhaseContext context) throws Exception {
        var spec = context.spec();
        var parameters = spec.parameters();
        var clock = PhaseClock.start(spec.jobDir());
        var input = input(context.inputs());
        channel.send(new WorkerMessage.Started(STAGES, 0, ProcessHandle.current().pid()));
        var work = spec.jobDir().resolve("final");
        var options = options(parameters);
        try (var model = ModelExport.load(input.directory())) {
            advance("loaded input model " + input.name());
            if (context.stop().getAsBoolean()) {
                return stopped();
            }
            var fp32 = work.resolve(INPUT_FP32);
            CognateRun.deleteRecursively(fp32);
            ModelExport.save(model, null, fp32);
            long inputBytes = Files.size(fp32.resolve(ModelExport.WEIGHTS));
            advance("wrote the input's fp32 safetensors: " + inputBytes + " bytes");

            var export = work.resolve(PACKED);
            var temporary = work.resolve(PACKED + ".tmp");
            CognateRun.deleteRecursively(temporary);
            var report = ModelExport.savePacked(model, options, temporary);
            CognateRun.deleteRecursively(export);
            Files.move(temporary, export, StandardCopyOption.ATOMIC_MOVE);
            long artifactBytes = Files.size(export.resolve(ModelExport.PACKED));
            advance("packed: " + artifactBytes + " bytes");
            if (context.stop().getAsBoolean()) {
                return stopped();
            }

            var test = testSplit(parameters, model.config().contextLength());
            var settings = EvalSettings.defaults(EVAL_BATCH).lossOnly();
            double lossBefore = Evaluator.evaluate(model, "test", test.test(), settings).loss();
            advance("loss before: " + lossBefore);
            try (var quantised = PackedModel.quantise(model, options);
                 var unpacked = ModelExport.load(export)) {
                double lossQuantised = Evaluator.evaluate(quantised, "test", test.test(), settings).loss();
                advance("loss quantised in memory: " + lossQuantised);
                double lossUnpacked = Evaluator.evaluate(unpacked, "test", test.test(), settings).loss();
                advance("loss unpacked from disk: " + lossUnpacked);
                var greedy = greedyTokens(quantised, unpacked, test.test(), parameters);
                advance("greedy tokens " + (greedy.matches() ? "match" : "differ"));

                var stats = new LinkedHashMap<String, Object>();
                stats.put("phase", spec.phase().wireName());
                stats.put("input_models", List.of(Map.of("model_id", input.modelId(), "name", input.name(),
                        "role", input.role(), "checksum", input.checksum())));
                stats.put("split_hashes", test.hashes());
                stats.put("parameters", parameters.asMap());
                stats.put("wall_time_seconds", clock.seconds());
                stats.put("input_bytes", inputBytes);
                stats.put("input_format", "fp32 safetensors");
                stats.put("artifact_bytes", artifactBytes);
                stats.put("manifest_bytes", report.manifestBytes());
                stats.put("ratio", (double) inputBytes / artifactBytes);
                stats.put("bits_per_weight", report.bitsPerWeight());
                stats.put("streams", streams(report));
                stats.put("loss_before", lossBefore);
                stats.put("loss_quantised", lossQuantised);
                stats.put("loss_unpacked", lossUnpacked);
                stats.put("delta", lossUnpacked - lossBefore);
                stats.put("unpacked_minus_quantised", lossUnpacked - lossQuantised);
                stats.put("greedy_tokens_match", greedy.matches());
                stats.put("greedy_prompts", greedy.prompts());
                stats.put("winner_artifact", ARTIFACT);
                stats.put("winner_rule", "the one packed model, verified from disk");
                PhaseClock.writeStats(spec.jobDir(), stats);

                var metrics = new LinkedHashMap<String, Double>();
                metrics.put("test_loss", lossUnpacked);
                metrics.put("loss_before", lossBefore);
                metrics.put("loss_quantised", lossQuantised);
                metrics.put("delta", lossUnpacked - lossBefore);
                metrics.put("ratio", (double) inputBytes / artifactBytes);
                metrics.put("artifact_bytes", (double) artifactBytes);
                metrics.put("input_bytes", (double) inputBytes);
                var params = new LinkedHashMap<String, Object>(parameters.asMap());
                params.put("parameter_count", unpacked.parameterCount());
                params.put("format", "packed");
                var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", export, null, params, metrics);
                channel.send(new WorkerMessage.Completed(STAGES, List.of(artifact), metrics));
                return WorkerMain.EXIT_COMPLETED;
            }
        }
    }

    /** The previous phase's winner: the one input, or the one the previous phase marked. */
    static InputModel input(List<InputModel> inputs) {
        if (inputs.size() == 1) {
            return inputs.getFirst();
        }
        var winners = inputs.stream().filter(i -> "winner".equals(i.role())).toList();
        if (winners.size() != 1) {
            throw new RunFailure("final compression packs one model, the previous phase's winner; it was handed "
                    + inputs.stream().map(i -> i.name() + " (" + i.role() + ")").toList());
        }
        return winners.getFirst();
    }

    /** Select and test are fixed by the data set (the seed changes only train), so every phase tests on the same split. */
    static DatasetSplits testSplit(PhaseParameters parameters, int contextLength) {
        return DatasetSource.parse(parameters.dataset(), contextLength).withMix(Curriculum.Mix.BALANCED)
                .load(new ByteTokenizer(), contextLength, new SplitSettings(TRAIN_FRACTION, SELECT_FRACTION,
                        parameters.maxTrainSamples(), parameters.maxEvalSamples(), parameters.seed()));
    }

    /** Each stored tensor with its codec, its bytes on disk (all streams, scales included) and its bits per weight. */
    static List<Map<String, Object>> streams(PackReport report) {
        var streams = new ArrayList<Map<String, Object>>();
        for (Manifest.Tensor tensor : report.manifest().tensors()) {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("name", tensor.name());
            entry.put("codec", tensor.codec().name().toLowerCase(Locale.ROOT));
            entry.put("bytes", tensor.storedBytes());
            entry.put("bits_per_weight", tensor.bitsPerWeight());
            entry.put("compression", tensor.streams().stream()
                    .map(s -> s.role() + ":" + s.compression().name().toLowerCase(Locale.ROOT)).toList());
            streams.add(entry);
        }
        return streams;
    }

    record Greedy(boolean matches, int prompts) {
    }

    /** The unpacked and in-memory models generate greedily from the first test prompts; every token must agree. */
    static Greedy greedyTokens(LanguageModel quantised, LanguageModel unpacked, List<Example> test,
                               PhaseParameters parameters) {
        int prompts = Math.min(test.size(), ((Number) parameters.own().getOrDefault("greedy_prompts", 4)).intValue());
        int tokens = ((Number) parameters.own().getOrDefault("greedy_tokens", 16)).intValue();
        var settings = GenerationSettings.greedy(tokens);
        var fromMemory = new TextGenerator(quantised);
        var fromDisk = new TextGenerator(unpacked);
        boolean matches = prompts > 0;
        for (int i = 0; i < prompts; i++) {
            var example = test.get(i);
            // Plain text has no prompt: its first half is one.
            int[] prompt = example.hasAnswer() ? example.prompt()
                    : Arrays.copyOf(example.tokens(), Math.max(1, example.tokens().length / 2));
            if (!Arrays.equals(fromMemory.generate(prompt, settings), fromDisk.generate(prompt, settings))) {
                matches = false;
            }
        }
        return new Greedy(matches, prompts);
    }

    private void advance(String message) {
        stage++;
        channel.send(new WorkerMessage.Progress(stage, STAGES, "final compression: " + message, Map.of()));
    }

    private int stopped() {
        channel.send(new WorkerMessage.Stopped(stage));
        return WorkerMain.EXIT_STOPPED;
    }
}
