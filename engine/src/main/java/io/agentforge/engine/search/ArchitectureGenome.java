package io.agentforge.engine.search;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An ADAS candidate's shape (PHASES.md 6.4): blocks, width, attention heads, MLP width as a multiple of d_model, and
 * whether the output head reuses the token embedding. {@link ArchitectureSpace} draws, repairs and builds them.
 */
public record ArchitectureGenome(
        @JsonProperty("layers") int layers,
        @JsonProperty("d_model") int dModel,
        @JsonProperty("heads") int heads,
        @JsonProperty("ffn_mult") int ffnMult,
        @JsonProperty("tied_head") boolean tiedHead) {
}
