package io.agentforge.training.parameters;

import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A parameter that belongs to one phase (PHASES.md names them), besides the common ones of SPEC section 7: its range
 * and its default. A phase's runner reads the checked value from {@link PhaseParameters#own()}; a caller who sends
 * it for another phase gets a 400 naming it.
 *
 * @param integer whether only whole numbers are accepted
 */
public record OwnParameter(String name, boolean integer, double min, double max, double defaultValue) {

    /** The parameters of each phase beyond the common ones; a phase absent here has none. */
    private static final Map<ModelPhase, List<OwnParameter>> BY_PHASE = new EnumMap<>(Map.of(
            // PHASES.md section 1.4: generations N (default 10), population P (default 8).
            ModelPhase.EVOMERGE, List.of(
                    new OwnParameter("generations", true, 1, 1000, 10),
                    new OwnParameter("population", true, 2, 256, 8)),
            // PHASES.md section 7.4: the matrices that are not ternary go int8 per row (0), or int4 in groups of n;
            // the greedy-token check of the unpacked against the in-memory model runs on that many test prompts.
            ModelPhase.FINAL_COMPRESSION, List.of(
                    new OwnParameter("int4_group_size", true, 0, 4096, 0),
                    new OwnParameter("greedy_prompts", true, 1, 64, 4),
                    new OwnParameter("greedy_tokens", true, 1, 256, 16)),
            // PHASES.md section 3.4: the λ-ramp over ~20% of the run; AdamW's decay, to 0 after the first half.
            ModelPhase.BITNET, List.of(
                    new OwnParameter("ramp_share", false, 0, 1, 0.2),
                    new OwnParameter("weight_decay", false, 0, 1, 0.1),
                    new OwnParameter("weight_decay_until", false, 0, 1, 0.5)),
            // PHASES.md section 4.4: evaluation every eval_interval steps on select, stop after `patience`
            // evaluations without an improvement larger than min_delta, return the best weights.
            ModelPhase.FORGE_TRAINING, List.of(
                    new OwnParameter("patience", true, 1, 10_000, 5),
                    new OwnParameter("min_delta", false, 0, 10, 0),
                    new OwnParameter("weight_decay", false, 0, 1, 0))));

    public static List<OwnParameter> of(ModelPhase phase) {
        return BY_PHASE.getOrDefault(phase, List.of());
    }

    /** The caller's value, checked, or the default. */
    Number read(Object value) {
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

    private String format(double value) {
        return integer ? Long.toString((long) value) : Double.toString(value);
    }
}
