package io.agentforge.training.parameters;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TrainingConfig;
import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.training.SpecDefaults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checked parameters of one job: every SPEC section 7 parameter with the caller's value or the original's default.
 *
 * @param dataset            a built-in generator name or the path of a user's text or JSONL file
 * @param evalInterval       steps between evaluations on the {@code select} split
 * @param checkpointInterval steps between checkpoints; a stopped or crashed worker loses at most this many steps
 * @param own                the phase's own parameters ({@link OwnParameter}), checked, defaults filled in
 */
public record PhaseParameters(int maxSteps, int batchSize, double learningRate, int maxTrainSamples,
                              int maxEvalSamples, boolean useGrokfast, double grokfastAlpha, double grokfastLambda,
                              long seed, String modelPreset, String dataset, int evalInterval,
                              int checkpointInterval, Map<String, Object> own) {

    public PhaseParameters {
        own = own == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(own));
    }

    public static final List<String> PRESETS = TransformerConfig.PRESETS;
    public static final List<String> BUILT_IN_DATASETS = DatasetSource.BUILT_IN;

    /**
     * The parameters every phase accepts (SPEC section 7 and the worker's intervals); a phase may add its own
     * ({@link OwnParameter}). Anything else is refused by name, so that a typo never silently runs.
     */
    public static final Set<String> NAMES = Set.of("max_steps", "batch_size", "learning_rate", "max_train_samples",
            "max_eval_samples", "use_grokfast", "grokfast_alpha", "grokfast_lambda", "seed", "model_preset", "dataset",
            "eval_interval", "checkpoint_interval");

    /**
     * Validates a request: the config's fields are defaults for the parameters of the same name, and the parameters
     * win. A config field left at zero counts as absent, because {@link TrainingConfig} cannot say "absent" for ints.
     *
     * @throws InvalidRequestException naming the first unknown or out-of-range parameter
     */
    public static PhaseParameters of(JobRequest request, Path datasetsDir) {
        var accepted = new TreeSet<>(NAMES);
        var own = OwnParameter.of(request.phase());
        own.forEach(parameter -> accepted.add(parameter.name()));
        var unknown = new TreeSet<>(request.parameters().keySet());
        unknown.removeAll(accepted);
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException(unknown.first(), "unknown parameter " + unknown + " for phase "
                    + request.phase() + "; the accepted parameters are " + accepted);
        }
        var ownValues = new LinkedHashMap<String, Object>();
        own.forEach(parameter -> ownValues.put(parameter.name(), parameter.read(request.parameters().get(parameter.name()))));
        var values = new Reader(withConfig(request.config(), request.parameters()));
        int maxSteps = values.integer("max_steps", SpecDefaults.MAX_STEPS, 1, 1_000_000);
        return new PhaseParameters(
                maxSteps,
                values.integer("batch_size", SpecDefaults.BATCH_SIZE, 1, 4096),
                values.decimal("learning_rate", SpecDefaults.LEARNING_RATE, 1e-9, 1.0),
                values.integer("max_train_samples", SpecDefaults.MAX_TRAIN_SAMPLES, 1, 10_000_000),
                values.integer("max_eval_samples", SpecDefaults.MAX_EVAL_SAMPLES, 1, 1_000_000),
                values.bool("use_grokfast", SpecDefaults.USE_GROKFAST),
                values.decimal("grokfast_alpha", SpecDefaults.GROKFAST_ALPHA, 0.0, 0.999999),
                values.decimal("grokfast_lambda", SpecDefaults.GROKFAST_LAMBDA, 0.0, 100.0),
                values.integer("seed", SpecDefaults.SEED, 0, Integer.MAX_VALUE),
                values.oneOf("model_preset", SpecDefaults.MODEL_PRESET, PRESETS),
                dataset(values.text("dataset", SpecDefaults.DATASET), datasetsDir),
                values.integer("eval_interval", Math.max(1, Math.min(100, maxSteps / 4)), 1, 1_000_000),
                values.integer("checkpoint_interval", Math.max(1, Math.min(100, maxSteps / 4)), 1, 1_000_000),
                ownValues);
    }

    /** The parameters as stored with the job and shown to clients: every name, defaults filled in. */
    public Map<String, Object> asMap() {
        var map = new LinkedHashMap<String, Object>();
        map.put("max_steps", maxSteps);
        map.put("batch_size", batchSize);
        map.put("learning_rate", learningRate);
        map.put("max_train_samples", maxTrainSamples);
        map.put("max_eval_samples", maxEvalSamples);
        map.put("use_grokfast", useGrokfast);
        map.put("grokfast_alpha", grokfastAlpha);
        map.put("grokfast_lambda", grokfastLambda);
        map.put("seed", seed);
        map.put("model_preset", modelPreset);
        map.put("dataset", dataset);
        map.put("eval_interval", evalInterval);
        map.put("checkpoint_interval", checkpointInterval);
        map.putAll(own);
        return map;
    }

    /** The core config as {@code TrainingJob.config} reports it. */
    public TrainingConfig config(String outputDir) {
        return new TrainingConfig(maxSteps, batchSize, learningRate, outputDir, maxTrainSamples, maxEvalSamples,
                useGrokfast);
    }

    private static Map<String, Object> withConfig(TrainingConfig config, Map<String, Object> parameters) {
        var merged = new LinkedHashMap<String, Object>();
        if (config != null) {
            putIfSet(merged, "max_steps", config.maxSteps() == 0 ? null : config.maxSteps());
            putIfSet(merged, "batch_size", config.batchSize() == 0 ? null : config.batchSize());
            putIfSet(merged, "learning_rate", config.learningRate() == 0 ? null : config.learningRate());
            putIfSet(merged, "max_train_samples", config.maxTrainSamples());
            putIfSet(merged, "max_eval_samples", config.maxEvalSamples());
            putIfSet(merged, "use_grokfast", config.useGrokfast());
        }
        merged.putAll(parameters);
        return merged;
    }

    private static void putIfSet(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    /**
     * A built-in generator, or a file under the datasets directory ({@code DATA_DIR/datasets}), named relative to it
     * or absolutely. Anything else the server could read ({@code /etc/passwd}, {@code ../../secrets}, a symbolic link
     * out of the directory) is refused: it would become training data that chat reads back out.
     */
    private static String dataset(String value, Path datasetsDir) {
        if (BUILT_IN_DATASETS.contains(value)) {
            return value;
        }
        var expected = "one of " + BUILT_IN_DATASETS + " or a readable text or JSONL file in the datasets directory"
                + " (DATA_DIR/datasets), e.g. \"my-data.jsonl\"";
        try {
            var root = datasetsDir.toRealPath();
            var path = root.resolve(value).toRealPath();
            if (path.startsWith(root) && Files.isRegularFile(path) && Files.isReadable(path)) {
                return path.toString();
            }
        } catch (IOException | InvalidPathException e) {
            // No such file, no datasets directory, or not a path at all: the same answer as a file outside it.
        }
        throw new InvalidRequestException("dataset", expected, value);
    }

    /** Reads typed values out of the merged map; JSON numbers arrive as Integer, Long or Double. */
    private record Reader(Map<String, Object> values) {
        int integer(String name, int fallback, int min, int max) {
            var value = values.get(name);
            if (value == null) {
                return fallback;
            }
            var expected = "an integer from " + min + " to " + max;
            if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
                throw new InvalidRequestException(name, expected, value);
            }
            if (number.doubleValue() < min || number.doubleValue() > max) {
                throw new InvalidRequestException(name, expected, value);
            }
            return number.intValue();
        }

        double decimal(String name, double fallback, double min, double max) {
            var value = values.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())
                    || number.doubleValue() < min || number.doubleValue() > max) {
                throw new InvalidRequestException(name, "a number from " + min + " to " + max, value);
            }
            return number.doubleValue();
        }

        boolean bool(String name, boolean fallback) {
            var value = values.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof Boolean bool)) {
                throw new InvalidRequestException(name, "true or false", value);
            }
            return bool;
        }

        String text(String name, String fallback) {
            var value = values.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof String text) || text.isBlank()) {
                throw new InvalidRequestException(name, "a non-empty string", value);
            }
            return text.trim();
        }

        String oneOf(String name, String fallback, List<String> allowed) {
            var value = text(name, fallback);
            if (!allowed.contains(value)) {
                throw new InvalidRequestException(name, "one of " + allowed, value);
            }
            return value;
        }
    }
}
