package io.agentforge.training.worker;

import io.agentforge.engine.data.Curriculum;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the worker needs from the engine, in one place: make an initial state, and train one run from a state with
 * checkpoints. {@link EngineTrainer} is the implementation over {@code io.agentforge.engine}.
 */
public interface ModelTrainer {

    /** Creates a fresh, seeded initial state for the preset and exports it (safetensors + config.json) into dir. */
    void initialState(PhaseParameters parameters, long seed, Path exportDir) throws Exception;

    /**
     * Trains one run. Starts from the run directory's checkpoint when there is one, else from the initial state;
     * checkpoints into the run directory every {@code checkpoint_interval} steps and when {@code stop} turns true;
     * at the end exports into {@code runDir/export} (with training_stats.json).
     *
     * @param dataSeed the seed of the run's train sample and order
     * @param mix      the share of each curriculum task in the run's train split (ignored by one-task data sets)
     * @return true when the run finished, false when it stopped on request after a checkpoint
     */
    boolean train(Path initialState, Path runDir, long dataSeed, Curriculum.Mix mix, PhaseParameters parameters,
                  StepListener listener, BooleanSupplier stop) throws Exception;

    /**
     * The data each run of a phase trains and is measured on: the hashes of the shared select and test splits and of
     * the union of the runs' train splits, and per run its own train hash and how many examples it left out.
     */
    DataSummary describeData(PhaseParameters parameters, List<Long> dataSeeds, List<Curriculum.Mix> mixes);

    /** {@code test_loss} and {@code test_exact_match} of an exported model on the data set's test split. */
    Map<String, Double> evaluateOnTest(Path modelDir, PhaseParameters parameters) throws Exception;

    /**
     * @param splitHashes {@code train} (the union of the runs' train splits), {@code select}, {@code test}
     * @param models      per run: {@code split_hashes}, {@code train_examples}, {@code left_out_examples}
     * @param leftOut     examples of the data set that do not fit the model's context
     */
    record DataSummary(Map<String, String> splitHashes, List<Map<String, Object>> models, int leftOut) {
    }

    /** What the trainer reports while it runs; steps count from 1 within the run. */
    interface StepListener {
        void onStep(int step, Map<String, Double> metrics);

        void onCheckpoint(int step);

        /** Called once before the first step, with the step the run starts after (0 when fresh). */
        void onStart(int resumedFromStep);
    }
}
