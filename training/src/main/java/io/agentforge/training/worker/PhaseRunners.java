package io.agentforge.training.worker;

import io.agentforge.contracts.phases.ModelPhase;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which runner does each phase's work. A phase without a runner is not implemented: the Training service refuses its
 * jobs with 501, and a worker given one fails it at once. Adding a phase is adding its runner here; so is adding a kind
 * of sub-job.
 */
public final class PhaseRunners {
    private static final Map<ModelPhase, PhaseRunner> RUNNERS = new EnumMap<>(ModelPhase.class);
    /** Runners of sub-jobs ({@link SubJobTask}), by kind: parts of a phase's work that any replica may do. */
    private static final Map<String, PhaseRunner> TASK_RUNNERS = Map.of(SubJobTask.ADAS_CANDIDATE, new AdasCandidateRun());

    static {
        RUNNERS.put(ModelPhase.COGNATE, context -> new CognateRun(new EngineTrainer(), context.channel())
                .run(context.spec(), context.stop()));
        RUNNERS.put(ModelPhase.EVOMERGE, context -> new EvoMergeRun(context.channel()).run(context));
        RUNNERS.put(ModelPhase.QUIETSTAR, new QuietStarRun());
        RUNNERS.put(ModelPhase.FINAL_COMPRESSION, context -> new FinalCompressionRun(context.channel()).run(context));
        RUNNERS.put(ModelPhase.BITNET, new BitNetRun());
        RUNNERS.put(ModelPhase.FORGE_TRAINING, new ForgeTrainingRun());
        RUNNERS.put(ModelPhase.TOOL_PERSONA, new ToolPersonaRun());
        RUNNERS.put(ModelPhase.ADAS, new AdasRun());
    }

    private PhaseRunners() {
    }

    /** The phases with a runner, in pipeline order. */
    public static Set<ModelPhase> implemented() {
        return Collections.unmodifiableSet(RUNNERS.keySet());
    }

    /** Adds a runner: how a test gives a phase without one a small runner of its own, in its own worker main. */
    static void register(ModelPhase phase, PhaseRunner runner) {
        RUNNERS.put(phase, runner);
    }

    static Optional<PhaseRunner> of(ModelPhase phase) {
        return Optional.ofNullable(RUNNERS.get(phase));
    }

    /** The runner of a job: its phase's, or for a sub-job its task kind's. */
    static Optional<PhaseRunner> of(WorkerSpec spec) {
        if (spec.task() == null) {
            return of(spec.phase());
        }
        return Optional.ofNullable(TASK_RUNNERS.get(spec.task().kind()));
    }
}
