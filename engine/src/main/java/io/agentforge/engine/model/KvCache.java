package io.agentforge.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values of the positions a model has already seen, per layer, so that generating one more token costs
 * one position's forward pass instead of the whole sequence's. Owns its arrays; close it when the sequence is done.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(TransformerConfig config) {
        this.manager = NDManager.newBaseManager();
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
    }

    /** Positions held. */
    public int length() {
        return length;
    }

    NDArray appendKeys(int layer, NDArray fresh) {
        keys[layer] = append(keys[layer], fresh);
        return keys[layer];
    }

    NDArray appendValues(int layer, NDArray fresh) {
        values[layer] = append(values[layer], fresh);
        return values[layer];
    }

    void advance(int positions) {
        length += positions;
    }

    // Arrays are (batch, heads, time, head size): the sequence grows along axis 2.
    private NDArray append(NDArray held, NDArray fresh) {
        NDArray joined = held == null ? fresh.duplicate() : held.concat(fresh, 2);
        joined.attach(manager);
        if (held != null) {
            held.close();
        }
        return joined;
    }

    @Override
    public void close() {
        manager.close();
    }
}
