package io.agentforge.engine.merge;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Merges whole models by a {@link MergeGenome}, tensor by tensor. Every parent (and the ancestor) must have the same
 * tensor names and shapes: anything else is an {@link IllegalArgumentException} naming the tensor, raised before a
 * single tensor is merged.
 */
public final class ModelMerge {

    private static final String LAYER_PREFIX = "layers.";

    private ModelMerge() {
    }

    /**
     * The merged model; the caller owns (and closes) it. {@code ancestor} is θ₀, needed by every method but linear and
     * SLERP (it may be null for those).
     */
    public static LanguageModel merge(MergeGenome genome, List<LanguageModel> parents, LanguageModel ancestor) {
        TransformerConfig config = parents.getFirst().config();
        for (int i = 0; i < parents.size(); i++) {
            checkConfig(config, parents.get(i).config(), "parent " + i);
        }
        if (ancestor != null) {
            checkConfig(config, ancestor.config(), "the ancestor");
        }
        var merged = merge(genome, parents.stream().map(ModelMerge::tensorsOf).toList(), ancestor == null ? null : tensorsOf(ancestor));
        return toModel(config, merged);
    }

    /** The merged tensors, in the first parent's order. */
    public static Map<String, Tensor> merge(MergeGenome genome, List<Map<String, Tensor>> parents, Map<String, Tensor> ancestor) {
        if (parents.size() != genome.models()) {
            throw new IllegalArgumentException("weights: the genome weighs " + genome.models() + " parents, " + parents.size() + " were given");
        }
        if (genome.method().needsAncestor() && ancestor == null) {
            throw new IllegalArgumentException("method: " + genome.method().wireName() + " merges task vectors and needs the ancestor model");
        }
        var reference = parents.getFirst();
        for (int i = 1; i < parents.size(); i++) {
            checkTensors(reference, parents.get(i), "parent " + i);
        }
        if (ancestor != null) {
            checkTensors(reference, ancestor, "the ancestor");
        }
        int layers = layerCount(reference.keySet());
        long seed = genome.dareSeed();
        var out = new LinkedHashMap<String, Tensor>();
        int index = 0;
        for (var entry : reference.entrySet()) {
            String name = entry.getKey();
            List<float[]> tuned = parents.stream().map(p -> p.get(name).values()).toList();
            double[] w = genome.weightsOf(group(name, layers, genome.layerGroups()));
            float[] base = ancestor == null ? null : ancestor.get(name).values();
            // One mask stream per tensor, fixed by its position, so that a tensor's masks do not depend on the others.
            long tensorSeed = seed + 0x9e3779b97f4a7c15L * ++index;
            float[] values = switch (genome.method()) {
                case LINEAR -> TensorMerge.linear(tuned, w);
                case SLERP -> TensorMerge.slerp(tuned.get(genome.slerpPair().get(0)), tuned.get(genome.slerpPair().get(1)), genome.slerpT());
                case TASK_ARITHMETIC -> TensorMerge.taskArithmetic(base, tuned, w, genome.lambda());
                case TIES -> TensorMerge.ties(base, tuned, w, genome.lambda(), genome.density());
                case DARE_LINEAR -> TensorMerge.dareLinear(base, tuned, w, genome.lambda(), genome.drop(), tensorSeed);
                case DARE_TIES -> TensorMerge.dareTies(base, tuned, w, genome.lambda(), genome.drop(), tensorSeed);
            };
            out.put(name, new Tensor(entry.getValue().shape(), values));
        }
        return out;
    }

    /** Copies a model's parameters out as plain arrays (do it once per parent, then merge as often as needed). */
    public static Map<String, Tensor> tensorsOf(LanguageModel model) {
        var out = new LinkedHashMap<String, Tensor>();
        model.parameters().forEach((name, array) -> out.put(name, new Tensor(array.getShape(), array.toFloatArray())));
        return out;
    }

    /** A model of {@code config} over these tensors (which must be exactly its parameters). */
    public static LanguageModel toModel(TransformerConfig config, Map<String, Tensor> tensors) {
        try (NDManager scratch = NDManager.newBaseManager()) {
            var arrays = new NDList();
            tensors.forEach((name, tensor) -> {
                var array = scratch.create(tensor.values(), tensor.shape());
                array.setName(name);
                arrays.add(array);
            });
            return LanguageModel.fromParameters(config, arrays);
        }
    }

    /**
     * The layer group of a tensor: block i of L goes to group ⌊i·G/L⌋; tensors outside the blocks join the first
     * group (embeddings) or the last (final norm, output head).
     */
    static int group(String name, int layers, int groups) {
        if (groups == 1) {
            return 0;
        }
        if (name.startsWith(LAYER_PREFIX)) {
            int layer = layerIndex(name);
            return (int) ((long) layer * groups / layers);
        }
        return name.contains("embeddings") ? 0 : groups - 1;
    }

    private static int layerCount(Iterable<String> names) {
        int max = -1;
        for (String name : names) {
            if (name.startsWith(LAYER_PREFIX)) {
                max = Math.max(max, layerIndex(name));
            }
        }
        return Math.max(1, max + 1);
    }

    private static int layerIndex(String name) {
        int end = name.indexOf('.', LAYER_PREFIX.length());
        return Integer.parseInt(name.substring(LAYER_PREFIX.length(), end));
    }

    private static void checkTensors(Map<String, Tensor> reference, Map<String, Tensor> other, String who) {
        for (String name : reference.keySet()) {
            if (!other.containsKey(name)) {
                throw new IllegalArgumentException("tensor " + name + " is missing from " + who);
            }
        }
        for (String name : other.keySet()) {
            if (!reference.containsKey(name)) {
                throw new IllegalArgumentException("tensor " + name + " of " + who + " is not in parent 0");
            }
        }
        reference.forEach((name, tensor) -> {
            var shape = other.get(name).shape();
            if (!shape.equals(tensor.shape())) {
                boolean vocabulary = name.startsWith("tok_embeddings") || name.startsWith("lm_head");
                throw new IllegalArgumentException((vocabulary ? "vocabulary mismatch: " : "shape mismatch: ") + "tensor " + name
                        + " is " + tensor.shape() + " in parent 0 but " + shape + " in " + who);
            }
        });
    }

    private static void checkConfig(TransformerConfig reference, TransformerConfig other, String who) {
        if (!reference.equals(other)) {
            var differences = new ArrayList<String>();
            Function<TransformerConfig, List<Object>> fields = c -> List.of(c.vocabSize(), c.contextLength(), c.layers(), c.dModel(),
                    c.heads(), c.ffnSize(), c.tiedHead(), c.quantization());
            String[] names = {"vocab_size", "context_length", "layers", "d_model", "heads", "ffn_size", "tied_head", "quantization"};
            var a = fields.apply(reference);
            var b = fields.apply(other);
            for (int i = 0; i < names.length; i++) {
                if (!Objects.equals(a.get(i), b.get(i))) {
                    differences.add(names[i] + " " + a.get(i) + " in parent 0 but " + b.get(i) + " in " + who);
                }
            }
            throw new IllegalArgumentException((reference.vocabSize() != other.vocabSize() ? "vocabulary mismatch: " : "config mismatch: ")
                    + String.join(", ", differences));
        }
    }
}
