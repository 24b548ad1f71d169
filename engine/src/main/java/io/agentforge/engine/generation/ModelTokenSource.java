package io.agentforge.engine.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.KvCache;
import io.agentforge.engine.model.LanguageModel;

import java.util.Arrays;

/** A {@link TokenSource} over a model and its key/value cache; close it when the sequence is done. */
public final class ModelTokenSource implements TokenSource {

    private final LanguageModel model;
    private final NDManager manager = NDManager.newBaseManager();
    private final KvCache cache;

    public ModelTokenSource(LanguageModel model) {
        this.model = model;
        this.cache = new KvCache(model.config());
    }

    @Override
    public float[] feed(int[] tokens) {
        // Before every forward: a virtual thread may have moved to another carrier since the last one.
        InferenceMode.enter();
        try (NDManager scope = manager.newSubManager()) {
            long[] ids = Arrays.stream(tokens).asLongStream().toArray();
            NDArray logits = model.forward(scope.create(ids, new Shape(1, ids.length)), cache);
            return logits.get(0, tokens.length - 1).toFloatArray();
        }
    }

    @Override
    public int length() {
        return cache.length();
    }

    @Override
    public int capacity() {
        return model.config().contextLength();
    }

    @Override
    public void close() {
        cache.close();
        manager.close();
    }
}
