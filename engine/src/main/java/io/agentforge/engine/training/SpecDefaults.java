package io.agentforge.engine.training;

import io.agentforge.engine.data.Curriculum;

/**
 * The defaults of the phase parameters of SPEC section 7 (docs/SPEC.md; the original system's, where it had them), in
 * one place: the Training service fills a job's parameters with them, and the engine falls back on them for a run
 * built directly.
 */
public final class SpecDefaults {
    public static final int MAX_STEPS = 2000;
    public static final int BATCH_SIZE = 16;
    public static final double LEARNING_RATE = 2e-4;
    public static final int MAX_TRAIN_SAMPLES = 5000;
    public static final int MAX_EVAL_SAMPLES = 500;
    public static final boolean USE_GROKFAST = true;
    public static final double GROKFAST_ALPHA = 0.98;
    public static final double GROKFAST_LAMBDA = 2.0;
    public static final int SEED = 42;
    public static final String MODEL_PRESET = "small";
    public static final String DATASET = Curriculum.NAME;

    private SpecDefaults() {
    }
}
