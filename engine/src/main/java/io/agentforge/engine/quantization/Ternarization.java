package io.agentforge.engine.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.model.BitLinear;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;

/**
 * Moves a model between the quantization modes. Every method returns a new model (the caller closes it) and leaves
 * its argument unchanged.
 */
public final class Ternarization {

    private Ternarization() {
    }

    /**
     * The ternary model: every projection weight replaced by its ternary quantization {−γ, 0, γ}, everything else
     * copied, config {@link Quantization#TERNARY}. From a full-precision model this is post-training quantization
     * (ternarising without training); from a {@link Quantization#BITNET} model it is the export, and the result
     * computes exactly what the training model computes at strength 1. A ternary model is copied as it is.
     */
    public static LanguageModel ternarize(LanguageModel model) {
        if (model.config().quantization() == Quantization.TERNARY) {
            return copy(model, Quantization.TERNARY, (name, weight, scope) -> weight);
        }
        return copy(model, Quantization.TERNARY, (name, weight, scope) ->
                BitLinear.isQuantizedWeight(name) ? BitLinear.ternary(weight, scope) : weight);
    }

    /**
     * A {@link Quantization#BITNET} model to train with the straight-through estimator. From a full-precision model
     * the latent weights are its weights. From a ternary model the latent weights are the ternary ones divided by the
     * share of non-zeros, 1 − p₀: their absmean is then γ again, so their quantization is the ternary model (up to a
     * float rounding of γ) and training continues where the export left off instead of from weights shrunk by 1 − p₀.
     */
    public static LanguageModel forTraining(LanguageModel model) {
        if (model.config().quantization() != Quantization.TERNARY) {
            return copy(model, Quantization.BITNET, (name, weight, scope) -> weight);
        }
        return copy(model, Quantization.BITNET, (name, weight, scope) -> {
            if (!BitLinear.isQuantizedWeight(name)) {
                return weight;
            }
            double nonZero = 1 - QuantizationReport.zeroFraction(weight.toFloatArray());
            if (nonZero == 0) {
                return weight;
            }
            NDArray detached = weight.stopGradient();
            detached.attach(scope);
            return detached.div(nonZero);
        });
    }

    /** The model in another mode: {@link #ternarize}, {@link #forTraining}, or the same weights at full precision. */
    public static LanguageModel convert(LanguageModel model, Quantization target) {
        return switch (target) {
            case TERNARY -> ternarize(model);
            case BITNET -> forTraining(model);
            case NONE -> copy(model, Quantization.NONE, (name, weight, scope) -> weight);
        };
    }

    private interface Transform {
        NDArray apply(String name, NDArray weight, NDManager scope);
    }

    private static LanguageModel copy(LanguageModel model, Quantization mode, Transform transform) {
        try (NDManager scope = NDManager.newBaseManager()) {
            var arrays = new NDList();
            model.parameters().forEach((name, weight) -> {
                NDArray result = transform.apply(name, weight, scope);
                if (result != weight) {
                    result.attach(scope);
                }
                result.setName(name);
                arrays.add(result);
            });
            // fromParameters copies, so the model's own arrays and the scope's temporaries stay where they are.
            return LanguageModel.fromParameters(model.config().withQuantization(mode), arrays);
        }
    }
}
