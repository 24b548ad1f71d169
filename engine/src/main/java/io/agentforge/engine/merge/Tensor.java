package io.agentforge.engine.merge;

import ai.djl.ndarray.types.Shape;

/** One named parameter's shape and values, copied out of a model so that merges run on plain arrays. */
public record Tensor(Shape shape, float[] values) {

    public Tensor {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException("tensor of shape " + shape + " given " + values.length + " values");
        }
    }
}
