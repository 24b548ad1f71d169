package io.agentforge.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A decoder-only transformer: learned token and position embeddings, {@code layers} pre-LayerNorm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm and a tied or untied output head. The config's {@link Quantization}
 * decides whether the attention and MLP projections run as full-precision linears or as {@link BitLinear}s.
 *
 * <p>The parameters are plain named NDArrays owned by this model's manager, not DJL blocks: their names are the
 * export's tensor names (see the export package), the optimizer and GrokFast iterate over the same map, and the
 * forward pass can take a key/value cache. Every operation of {@link #forward} takes the activation as its first
 * operand, so that its result lands in the caller's manager (the input's) rather than in this long-lived one.
 */
public final class LanguageModel implements AutoCloseable {

    private static final float LAYER_NORM_EPS = 1e-5f;
    private static final float INIT_STD = 0.02f;
    private static final float MASKED = -1e9f;

    private final TransformerConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private volatile double quantizationStrength = 1.0;

    private LanguageModel(TransformerConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** How fresh parameters are drawn. */
    public enum Init {
        /**
         * GPT-2's: weights N(0, 0.02), projections into the residual stream N(0, 0.02 / sqrt(2 layers)), biases 0.
         * Small: the default, which trains language models well.
         */
        GPT2,
        /**
         * torch's layer defaults, as in the grokking and GrokFast papers' code: embeddings N(0, 1), linear weights and
         * biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Large embeddings give the long memorisation phase that grokking is.
         */
        TORCH_DEFAULT
    }

    /** A fresh GPT-2-style model; the same seed gives the same parameters on any machine (drawn in Java, not native). */
    public static LanguageModel initialize(TransformerConfig config, long seed) {
        return initialize(config, seed, Init.GPT2);
    }

    public static LanguageModel initialize(TransformerConfig config, long seed, Init init) {
        var random = new Random(seed);
        NDManager manager = NDManager.newBaseManager();
        try {
            var shapes = parameterShapes(config);
            var parameters = new LinkedHashMap<String, NDArray>();
            // GPT-2's scaling of the projections into the residual stream keeps its variance flat with depth.
            float residualStd = INIT_STD / (float) Math.sqrt(2.0 * config.layers());
            shapes.forEach((name, shape) -> {
                float[] values = new float[Math.toIntExact(shape.size())];
                boolean embedding = name.startsWith("tok_embeddings") || name.startsWith("pos_embeddings");
                if (name.endsWith("norm.weight")) {
                    Arrays.fill(values, 1f);
                } else if (name.endsWith("norm.bias")) {
                    // LayerNorm biases start at zero under both schemes.
                } else if (init == Init.TORCH_DEFAULT) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = embedding ? (float) random.nextGaussian() : uniform(random, fanIn(name, shapes));
                    }
                } else if (name.endsWith(".weight")) {
                    float std = name.endsWith("attn.out.weight") || name.endsWith("mlp.down.weight")
                            ? residualStd : INIT_STD;
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) random.nextGaussian() * std;
                    }
                }
                parameters.put(name, trainable(manager.create(values, shape), name));
            });
            return new LanguageModel(config, manager, parameters);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** A linear layer's input width: the second dimension of its (out, in) weight, also for its bias. */
    private static long fanIn(String name, Map<String, Shape> shapes) {
        String weight = name.endsWith(".bias") ? name.substring(0, name.length() - ".bias".length()) + ".weight" : name;
        return shapes.get(weight).get(1);
    }

    private static float uniform(Random random, long fanIn) {
        double bound = 1 / Math.sqrt(fanIn);
        return (float) ((random.nextDouble() * 2 - 1) * bound);
    }

    /**
     * A model over the given named arrays, which must be exactly this config's parameters. The model copies them, so
     * the caller keeps ownership of {@code arrays}.
     */
    public static LanguageModel fromParameters(TransformerConfig config, NDList arrays) {
        var shapes = parameterShapes(config);
        var byName = new LinkedHashMap<String, NDArray>();
        for (NDArray array : arrays) {
            byName.put(array.getName(), array);
        }
        if (!byName.keySet().equals(shapes.keySet())) {
            throw new IllegalArgumentException("parameters: names do not match the config; missing "
                    + difference(shapes.keySet(), byName.keySet()) + ", unexpected " + difference(byName.keySet(), shapes.keySet()));
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            var parameters = new LinkedHashMap<String, NDArray>();
            shapes.forEach((name, shape) -> {
                NDArray source = byName.get(name);
                if (!source.getShape().equals(shape)) {
                    throw new IllegalArgumentException("parameters: " + name + " has shape " + source.getShape() + ", config needs " + shape);
                }
                NDArray copy = manager.create(source.toType(DataType.FLOAT32, false).toFloatArray(), shape);
                parameters.put(name, trainable(copy, name));
            });
            return new LanguageModel(config, manager, parameters);
        } catch (RuntimeException | Error e) {
            // Also a shape that does not match: the arrays copied before it go with the manager.
            manager.close();
            throw e;
        }
    }

    /** The tensor names and shapes of a model of this config, in a fixed order. */
    public static Map<String, Shape> parameterShapes(TransformerConfig c) {
        var shapes = new LinkedHashMap<String, Shape>();
        long d = c.dModel();
        shapes.put("tok_embeddings.weight", new Shape(c.vocabSize(), d));
        shapes.put("pos_embeddings.weight", new Shape(c.contextLength(), d));
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            shapes.put(p + "attn_norm.weight", new Shape(d));
            shapes.put(p + "attn_norm.bias", new Shape(d));
            shapes.put(p + "attn.qkv.weight", new Shape(3 * d, d));
            shapes.put(p + "attn.qkv.bias", new Shape(3 * d));
            shapes.put(p + "attn.out.weight", new Shape(d, d));
            shapes.put(p + "attn.out.bias", new Shape(d));
            shapes.put(p + "mlp_norm.weight", new Shape(d));
            shapes.put(p + "mlp_norm.bias", new Shape(d));
            shapes.put(p + "mlp.up.weight", new Shape(c.ffnSize(), d));
            shapes.put(p + "mlp.up.bias", new Shape(c.ffnSize()));
            shapes.put(p + "mlp.down.weight", new Shape(d, c.ffnSize()));
            shapes.put(p + "mlp.down.bias", new Shape(d));
        }
        shapes.put("final_norm.weight", new Shape(d));
        shapes.put("final_norm.bias", new Shape(d));
        if (!c.tiedHead()) {
            shapes.put("lm_head.weight", new Shape(c.vocabSize(), d));
        }
        return shapes;
    }

    public TransformerConfig config() {
        return config;
    }

    /** Name to array, in {@link #parameterShapes} order. The arrays are live: the optimizer updates them in place. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * λ of a {@link Quantization#BITNET} model's ramp: its projections compute with W + λ(Q(W) − W) and the same blend
     * of the activations, from full precision (0) to ternary weights and int8 activations (1, the default). Not
     * saved: a loaded model computes at 1. Other modes ignore it.
     */
    public void setQuantizationStrength(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("quantization_strength: must be in [0, 1], was " + lambda);
        }
        quantizationStrength = lambda;
    }

    public double quantizationStrength() {
        return quantizationStrength;
    }

    public long parameterCount() {
        return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Logits (batch, time, vocab) for int64 tokens (batch, time), in the tokens' manager. */
    public NDArray forward(NDArray tokens) {
        return forward(tokens, null);
    }

    /**
     * Logits for {@code tokens}, which continue the sequence held in {@code cache} (if any); the cache is extended by
     * their keys and values.
     */
    public NDArray forward(NDArray tokens, KvCache cache) {
        long batch = tokens.getShape().get(0);
        int time = Math.toIntExact(tokens.getShape().get(1));
        int offset = cache == null ? 0 : cache.length();
        if (offset + time > config.contextLength()) {
            throw new IllegalArgumentException("tokens: " + (offset + time) + " positions exceed context_length " + config.contextLength());
        }
        NDManager scope = tokens.getManager();
        NDArray positions = scope.arange(offset, offset + time).toType(DataType.INT64, false);
        NDArray x = embed(tokens, p("tok_embeddings.weight")).add(embed(positions, p("pos_embeddings.weight")));
        NDArray mask = time > 1 ? causalMask(scope, time, offset) : null;
        for (int i = 0; i < config.layers(); i++) {
            String name = "layers." + i + ".";
            NDArray h = layerNorm(x, name + "attn_norm");
            x = x.add(attention(h, name, batch, time, mask, cache, i));
            h = layerNorm(x, name + "mlp_norm");
            NDArray hidden = linear(h, name + "mlp.up").getNDArrayInternal().gelu();
            x = x.add(linear(hidden, name + "mlp.down"));
        }
        if (cache != null) {
            cache.advance(time);
        }
        x = layerNorm(x, "final_norm");
        NDArray head = config.tiedHead() ? p("tok_embeddings.weight") : p("lm_head.weight");
        return x.getNDArrayInternal().linear(x, head, null).singletonOrThrow();
    }

    private NDArray attention(NDArray h, String name, long batch, int time, NDArray mask, KvCache cache, int layer) {
        int heads = config.heads();
        int headSize = config.headSize();
        NDList qkv = linear(h, name + "attn.qkv").split(3, 2);
        NDArray q = splitHeads(qkv.get(0), batch, time);
        NDArray k = splitHeads(qkv.get(1), batch, time);
        NDArray v = splitHeads(qkv.get(2), batch, time);
        if (cache != null) {
            k = cache.appendKeys(layer, k);
            v = cache.appendValues(layer, v);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(headSize));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray mixed = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, time, (long) heads * headSize);
        return linear(mixed, name + "attn.out");
    }

    private NDArray splitHeads(NDArray x, long batch, int time) {
        return x.reshape(batch, time, config.heads(), config.headSize()).transpose(0, 2, 1, 3);
    }

    /** Query i (at absolute position offset+i) may attend to keys 0..offset+i. */
    private static NDArray causalMask(NDManager scope, int time, int offset) {
        int keys = offset + time;
        float[] mask = new float[time * keys];
        for (int i = 0; i < time; i++) {
            for (int j = offset + i + 1; j < keys; j++) {
                mask[i * keys + j] = MASKED;
            }
        }
        return scope.create(mask, new Shape(time, keys));
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String name) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(config.dModel()), p(name + ".weight"), p(name + ".bias"), LAYER_NORM_EPS)
                .singletonOrThrow();
    }

    private NDArray linear(NDArray x, String name) {
        NDArray weight = p(name + ".weight");
        NDArray bias = p(name + ".bias");
        return switch (config.quantization()) {
            case NONE -> x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
            case BITNET -> BitLinear.forward(x, weight, bias, false, quantizationStrength);
            case TERNARY -> BitLinear.forward(x, weight, bias, true, 1.0);
        };
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    private static NDArray trainable(NDArray array, String name) {
        array.setName(name);
        array.setRequiresGradient(true);
        return array;
    }

    private static List<String> difference(Set<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).toList();
    }

    @Override
    public void close() {
        manager.close();
    }
}
