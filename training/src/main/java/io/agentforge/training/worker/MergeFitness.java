package io.agentforge.training.worker;

import io.agentforge.engine.data.Example;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.evaluation.Evaluator;
import io.agentforge.engine.merge.MergeGenome;
import io.agentforge.engine.merge.ModelMerge;
import io.agentforge.engine.merge.Tensor;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;

import java.util.List;
import java.util.Map;

/**
 * Measures merges: the parents' and the ancestor's tensors are copied out of their models once, and each recipe is
 * merged from those copies into a fresh model, measured with the one evaluation harness (mean next-token loss over a
 * fixed token budget of a split) and closed again.
 */
final class MergeFitness {
    /** Examples per forward pass; the loss does not depend on it. */
    static final int EVAL_BATCH = 64;

    private final TransformerConfig config;
    private final List<Map<String, Tensor>> parents;
    private final Map<String, Tensor> ancestor;

    /** Copies the tensors of the models, which the caller may close afterwards. */
    MergeFitness(List<LanguageModel> parents, LanguageModel ancestor) {
        this.config = parents.getFirst().config();
        this.parents = parents.stream().map(ModelMerge::tensorsOf).toList();
        this.ancestor = ancestor == null ? null : ModelMerge.tensorsOf(ancestor);
        // A mismatch between the models is an error now, before any search: one merge checks every tensor's shape.
        ModelMerge.merge(MergeGenome.uniformSoup(this.parents.size()), this.parents, this.ancestor);
    }

    int parents() {
        return parents.size();
    }

    TransformerConfig config() {
        return config;
    }

    /** The merge's mean loss (nats) over the first {@code tokens} scored tokens of the examples. */
    double loss(MergeGenome genome, String split, List<Example> examples, int tokens) {
        try (var model = merged(genome)) {
            return loss(model, split, examples, tokens);
        }
    }

    /** The ancestor's loss, measured the same way. */
    double ancestorLoss(String split, List<Example> examples, int tokens) {
        try (var model = ModelMerge.toModel(config, ancestor)) {
            return loss(model, split, examples, tokens);
        }
    }

    /** The merged model; the caller closes it. */
    LanguageModel merged(MergeGenome genome) {
        return ModelMerge.toModel(config, ModelMerge.merge(genome, parents, ancestor));
    }

    static double loss(LanguageModel model, String split, List<Example> examples, int tokens) {
        return Evaluator.evaluate(model, split, examples, new EvalSettings(tokens, 0, EVAL_BATCH)).loss();
    }
}
