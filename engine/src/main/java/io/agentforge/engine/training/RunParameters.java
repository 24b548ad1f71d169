package io.agentforge.engine.training;

import io.agentforge.engine.data.DatasetSource;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a job's phase parameters (SPEC §7, snake_case, as parsed from JSON) into a {@link TrainingRun}. Unknown names
 * and out-of-range values throw {@link IllegalArgumentException} naming them, which the services map to a 400.
 */
public final class RunParameters {

    /** Every accepted name; SPEC §7's defaults are applied to those absent. */
    public static final Set<String> KNOWN = Set.of("model_name", "max_steps", "batch_size", "learning_rate",
            "max_train_samples", "max_eval_samples", "use_grokfast", "grokfast_alpha", "grokfast_lambda", "seed",
            "model_preset", "dataset", "warmup_steps", "weight_decay", "accumulation_steps", "clip_norm", "eval_interval",
            "early_stopping_patience", "checkpoint_interval");

    private RunParameters() {
    }

    /**
     * @param checkpointDir where the run checkpoints, or null
     */
    public static TrainingRun toRun(Map<String, ?> parameters, Path checkpointDir) {
        var unknown = new TreeSet<>(parameters.keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", unknown) + ": unknown parameter" + (unknown.size() > 1 ? "s" : ""));
        }
        var p = new Reader(parameters);
        var model = TransformerConfig.preset(p.text("model_preset", SpecDefaults.MODEL_PRESET));
        long seed = p.integer("seed", SpecDefaults.SEED);
        var split = new SplitSettings(0.8, 0.1, (int) p.integer("max_train_samples", SpecDefaults.MAX_TRAIN_SAMPLES),
                (int) p.integer("max_eval_samples", SpecDefaults.MAX_EVAL_SAMPLES), seed);
        var data = DatasetSource.parse(p.text("dataset", SpecDefaults.DATASET), model.contextLength())
                .load(new ByteTokenizer(), model.contextLength(), split);
        GrokFastSettings grokFast = p.bool("use_grokfast", SpecDefaults.USE_GROKFAST)
                ? new GrokFastSettings.Ema(p.number("grokfast_alpha", SpecDefaults.GROKFAST_ALPHA),
                        p.number("grokfast_lambda", SpecDefaults.GROKFAST_LAMBDA), 0)
                : new GrokFastSettings.Off();
        var optimizer = OptimizerSettings.adamW(p.number("learning_rate", SpecDefaults.LEARNING_RATE));
        optimizer = new OptimizerSettings(optimizer.decay(), optimizer.learningRate(), optimizer.beta1(), optimizer.beta2(),
                optimizer.epsilon(), p.number("weight_decay", optimizer.weightDecay()));
        int maxSteps = (int) p.integer("max_steps", SpecDefaults.MAX_STEPS);
        return TrainingRun.builder(model, data)
                .modelName(p.text("model_name", "model"))
                .optimizer(optimizer)
                .grokFast(grokFast)
                .maxSteps(maxSteps)
                .batchSize((int) p.integer("batch_size", SpecDefaults.BATCH_SIZE))
                .warmupSteps((int) p.integer("warmup_steps", Math.min(100, maxSteps / 10)))
                .accumulationSteps((int) p.integer("accumulation_steps", 1))
                .clipNorm(p.number("clip_norm", 1.0))
                .evalInterval((int) p.integer("eval_interval", 100))
                .earlyStoppingPatience((int) p.integer("early_stopping_patience", 0))
                .seed(seed)
                .checkpointDir(checkpointDir)
                .checkpointInterval((int) p.integer("checkpoint_interval", 0))
                .build();
    }

    private record Reader(Map<String, ?> values) {

        double number(String name, double fallback) {
            Object v = values.get(name);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(v.toString());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: " + v);
            }
        }

        long integer(String name, long fallback) {
            double value = number(name, fallback);
            if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": not an integer: " + values.get(name));
            }
            return (long) value;
        }

        boolean bool(String name, boolean fallback) {
            Object v = values.get(name);
            return switch (v) {
                case null -> fallback;
                case Boolean b -> b;
                case String s when s.equals("true") || s.equals("false") -> Boolean.parseBoolean(s);
                default -> throw new IllegalArgumentException(name + ": not a boolean: " + v);
            };
        }

        String text(String name, String fallback) {
            Object v = values.get(name);
            return v == null ? fallback : v.toString();
        }
    }
}
