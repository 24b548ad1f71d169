package io.agentforge.training.parameters;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.merge.MergeMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A parameter that belongs to one phase (PHASES.md names them), besides the common ones of SPEC section 7: its range
 * and its default. A phase's runner reads the checked value from {@link PhaseParameters#own()}; a caller who sends
 * it for another phase gets a 400 naming it.
 *
 * @param integer whether only whole numbers are accepted
 * @param choices for a parameter that names things (EvoMerge's {@code methods}): the accepted names, any non-empty
 *                subset of which (a list, one name, or {@code "all"}, the default) is a value; null for a number
 */
public record OwnParameter(String name, boolean integer, double min, double max, double defaultValue,
                           List<String> choices) {

    public static final String ALL = "all";

    public OwnParameter(String name, boolean integer, double min, double max, double defaultValue) {
        this(name, integer, min, max, defaultValue, null);
    }

    /** A parameter whose value is a non-empty subset of {@code choices}; every one by default. */
    public static OwnParameter subsetOf(String name, List<String> choices) {
        return new OwnParameter(name, false, 0, 0, 0, List.copyOf(choices));
    }

    /** The parameters of each phase beyond the common ones; a phase absent here has none. */
    private static final Map<ModelPhase, List<OwnParameter>> BY_PHASE = new EnumMap<>(Map.of(
            // PHASES.md section 1.4: generations N (default 10), population P (default 8, at least the three parents
            // and their soup), the merge methods searched, and the select tokens each candidate's fitness is measured on.
            ModelPhase.EVOMERGE, List.of(
                    new OwnParameter("generations", true, 1, 1000, 10),
                    new OwnParameter("population", true, 4, 256, 8),
                    subsetOf("methods", Arrays.stream(MergeMethod.values()).map(MergeMethod::wireName).toList()),
                    new OwnParameter("fitness_tokens", true, 64, 10_000_000, EvalSettings.DEFAULT_TOKEN_BUDGET)),
            // PHASES.md section 7.4: the matrices that are not ternary go int8 per row (0), or int4 in groups of n;
            // the greedy-token check of the unpacked against the in-memory model runs on that many test prompts.
            ModelPhase.FINAL_COMPRESSION, List.of(
                    new OwnParameter("int4_group_size", true, 0, 4096, 0),
                    new OwnParameter("greedy_prompts", true, 1, 64, 4),
                    new OwnParameter("greedy_tokens", true, 1, 256, 16)),
            // PHASES.md section 2.4: Stage B samples K thoughts per question (closed at the cap) for a batch of
            // questions per step, at its own learning rate, with rewards clipped; Stage A's steps are max_steps.
            ModelPhase.QUIETSTAR, List.of(
                    new OwnParameter("reinforce_steps", true, 0, 100_000, 30),
                    new OwnParameter("reinforce_batch", true, 1, 256, 8),
                    new OwnParameter("thoughts_per_question", true, 2, 16, 4),
                    new OwnParameter("max_thought_tokens", true, 4, 96, 48),
                    new OwnParameter("reinforce_learning_rate", false, 1e-7, 1, 1e-4),
                    new OwnParameter("reward_clip", false, 0.1, 100, 5)),
            // PHASES.md section 3.4: the λ-ramp over ~20% of the run; AdamW's decay, to 0 after the first half.
            ModelPhase.BITNET, List.of(
                    new OwnParameter("ramp_share", false, 0, 1, 0.2),
                    new OwnParameter("weight_decay", false, 0, 1, 0.1),
                    new OwnParameter("weight_decay_until", false, 0, 1, 0.5)),
            // PHASES.md section 4.4: evaluation every eval_interval steps on select, stop after `patience`
            // evaluations without an improvement larger than min_delta, return the best weights; the NaN guard skips a
            // step whose loss or gradient is not finite and ends the run after bad_step_limit such steps in a row.
            ModelPhase.FORGE_TRAINING, List.of(
                    new OwnParameter("patience", true, 1, 10_000, 5),
                    new OwnParameter("min_delta", false, 0, 10, 0),
                    new OwnParameter("weight_decay", false, 0, 1, 0),
                    new OwnParameter("bad_step_limit", true, 1, 1_000, 3)),
            // PHASES.md section 5.4: the train mix (tool problems are the rest, so no mix can exceed the whole; more
            // general text than 10% because the phase must keep the text loss within 0.1 nat), and how many held-out
            // problems are answered in each of the three runtime modes.
            ModelPhase.TOOL_PERSONA, List.of(
                    new OwnParameter("general_share", false, 0, 0.5, 0.2),
                    new OwnParameter("persona_share", false, 0, 0.5, 0.2),
                    new OwnParameter("eval_problems", true, 1, 2000, 200)),
            // PHASES.md section 6.4: P candidates over N generations (the first random), each trained for
            // candidate_steps and timed over latency_runs forward passes, within parameter_cap; the chosen one is
            // the knee of the front, or (parameter_budget > 0) the lowest select loss within that many parameters,
            // and is distilled from the incoming model for max_steps (distill_weight of the loss on the teacher's
            // logits at distill_temperature, the rest on the targets); tool use is measured on tool_use_examples
            // held-out calculator problems per model. candidate_jobs 1 evaluates each generation's candidates as
            // sub-jobs on the shared job queue (any replica), 0 in the job's own worker.
            ModelPhase.ADAS, List.of(
                    new OwnParameter("generations", true, 1, 100, 3),
                    new OwnParameter("population", true, 2, 256, 8),
                    new OwnParameter("candidate_steps", true, 1, 100_000, 120),
                    new OwnParameter("parameter_cap", true, 1_000, 1_000_000_000, 1_000_000),
                    new OwnParameter("parameter_budget", true, 0, 1_000_000_000, 0),
                    new OwnParameter("latency_runs", true, 5, 1_000, 7),
                    new OwnParameter("distill_weight", false, 0, 1, 0.5),
                    new OwnParameter("distill_temperature", false, 0.1, 100, 2.0),
                    new OwnParameter("tool_use_examples", true, 0, 100_000, 64),
                    new OwnParameter("candidate_jobs", true, 0, 1, 0))));

    public static List<OwnParameter> of(ModelPhase phase) {
        return BY_PHASE.getOrDefault(phase, List.of());
    }

    /** The caller's value, checked, or the default. */
    Object read(Object value) {
        if (choices != null) {
            return readSubset(value);
        }
        if (value == null) {
            return integer ? (Number) (long) defaultValue : (Number) defaultValue;
        }
        var expected = (integer ? "an integer" : "a number") + " from " + format(min) + " to " + format(max);
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())
                || integer && number.doubleValue() != Math.rint(number.doubleValue())
                || number.doubleValue() < min || number.doubleValue() > max) {
            throw new InvalidRequestException(name, expected, value);
        }
        return integer ? (Number) number.longValue() : (Number) number.doubleValue();
    }

    private List<String> readSubset(Object value) {
        if (value == null || ALL.equals(value)) {
            return choices;
        }
        var expected = "\"" + ALL + "\", or a non-empty list of distinct names from " + choices;
        var names = value instanceof String one ? List.<Object>of(one) : value instanceof List<?> list ? list : null;
        if (names == null || names.isEmpty()) {
            throw new InvalidRequestException(name, expected, value);
        }
        var chosen = new LinkedHashSet<String>();
        for (var entry : names) {
            if (!(entry instanceof String text) || !choices.contains(text) || !chosen.add(text)) {
                throw new InvalidRequestException(name, expected, value);
            }
        }
        return new ArrayList<>(chosen);
    }

    private String format(double value) {
        return integer ? Long.toString((long) value) : Double.toString(value);
    }
}
