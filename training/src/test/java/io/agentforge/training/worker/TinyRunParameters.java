package io.agentforge.training.worker;

import java.util.HashMap;
import java.util.Map;

/** The parameters the runner tests share: a tiny model on 200 arithmetic word problems, a checkpoint per evaluation. */
public final class TinyRunParameters {
    private TinyRunParameters() {
    }

    /** A mutable map, so that each test adds its phase's own parameters. */
    public static Map<String, Object> arithmetic(int maxSteps, int evalInterval) {
        var parameters = new HashMap<String, Object>();
        parameters.put("dataset", "arithmetic-word-problems");
        parameters.put("model_preset", "tiny");
        parameters.put("batch_size", 8);
        parameters.put("learning_rate", 3e-3);
        parameters.put("max_train_samples", 200);
        parameters.put("max_eval_samples", 16);
        parameters.put("use_grokfast", false);
        parameters.put("seed", 1);
        parameters.put("max_steps", maxSteps);
        parameters.put("eval_interval", evalInterval);
        parameters.put("checkpoint_interval", evalInterval);
        return parameters;
    }
}
