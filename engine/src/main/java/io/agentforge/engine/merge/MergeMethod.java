package io.agentforge.engine.merge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** How the parents' tensors are combined; the wire names are the phase parameter {@code methods}' values. */
public enum MergeMethod {
    /** Σ wᵢθᵢ (a weighted model soup). */
    LINEAR("linear"),
    /** Spherical interpolation of two chosen parents, lerp when they are colinear. */
    SLERP("slerp"),
    /** θ₀ + λ Σ wᵢτᵢ over the task vectors τᵢ = θᵢ − θ₀. */
    TASK_ARITHMETIC("task_arithmetic"),
    /** Trim each τᵢ to its top density share, elect a sign per coordinate, average the agreeing entries. */
    TIES("ties"),
    /** Drop each τᵢ entry with probability p, rescale by 1/(1−p), then task arithmetic. */
    DARE_LINEAR("dare_linear"),
    /** Drop and rescale as DARE, then TIES' sign election and disjoint mean. */
    DARE_TIES("dare_ties");

    private final String wireName;

    MergeMethod(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether the method works on task vectors and so needs the shared ancestor θ₀. */
    public boolean needsAncestor() {
        return this != LINEAR && this != SLERP;
    }

    @JsonCreator
    public static MergeMethod of(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("methods: unknown merge method '" + name + "' ("
                        + String.join(", ", Arrays.stream(values()).map(MergeMethod::wireName).toList()) + ")"));
    }
}
