package io.agentforge.bench.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every phase benchmark starts from: its arguments {@code <preset> [model-dir]} (a wrong count prints the usage
 * and exits with 2), the UTC stamp of this run, and {@code bench/results}, where its files are named
 * {@code <benchmark>-<preset>-<stamp><suffix>}.
 *
 * @param name {@code <benchmark>-<preset>-<stamp>}
 */
record PhaseBenchArguments(String preset, Optional<Path> model, String stamp, Path results, String name) {

    /**
     * @param benchmark     the prefix of the result files, e.g. {@code adas}
     * @param usage         the arguments as the usage line shows them, e.g. {@code AdasBench <preset> [incoming-model-dir]}
     * @param modelRequired whether the model directory must be given
     */
    static PhaseBenchArguments parse(String[] args, String benchmark, String usage, boolean modelRequired)
            throws IOException {
        if (args.length < (modelRequired ? 2 : 1)) {
            System.err.println("usage: " + usage);
            System.exit(2);
        }
        var stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        var results = Files.createDirectories(Path.of("bench/results"));
        var model = args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.<Path>empty();
        return new PhaseBenchArguments(args[0], model, stamp, results, benchmark + "-" + args[0] + "-" + stamp);
    }

    /**
     * The phase parameters every phase benchmark reads alike, for it to add its own to: the preset, and from system
     * properties {@code batchSize} [16], {@code seed} [42], {@code maxTrainSamples} [5000] and {@code maxEvalSamples}.
     */
    Map<String, Object> commonParameters(int maxEvalSamples) {
        var parameters = new LinkedHashMap<String, Object>();
        parameters.put("model_preset", preset);
        parameters.put("batch_size", Integer.getInteger("batchSize", 16));
        parameters.put("seed", Integer.getInteger("seed", 42));
        parameters.put("max_train_samples", Integer.getInteger("maxTrainSamples", 5000));
        parameters.put("max_eval_samples", Integer.getInteger("maxEvalSamples", maxEvalSamples));
        return parameters;
    }

    /** The given model directory of a benchmark that requires one. */
    Path requiredModel() {
        return model.orElseThrow();
    }

    /** A result file of this run: {@code bench/results/<name><suffix>}. */
    Path file(String suffix) {
        return results.resolve(name + suffix);
    }
}
