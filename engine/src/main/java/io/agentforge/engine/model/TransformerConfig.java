package io.agentforge.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.List;

/**
 * The shape of a model. Written to {@code config.json} with these snake_case names.
 *
 * @param vocabSize     rows of the token embedding; the byte tokenizer's 272 unless a task brings its own symbols
 * @param contextLength the longest sequence the model sees (rows of the position embedding)
 * @param layers        transformer blocks
 * @param dModel        width of the residual stream
 * @param heads         attention heads; must divide {@code dModel}
 * @param ffnSize       hidden width of each block's MLP
 * @param tiedHead      whether the output head reuses the token embedding
 * @param quantization  how the attention and MLP projections compute (see {@link Quantization}); a config.json
 *                      without the field is a full-precision model
 */
public record TransformerConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("context_length") int contextLength,
        @JsonProperty("layers") int layers,
        @JsonProperty("d_model") int dModel,
        @JsonProperty("heads") int heads,
        @JsonProperty("ffn_size") int ffnSize,
        @JsonProperty("tied_head") boolean tiedHead,
        @JsonProperty("quantization") Quantization quantization) {

    @JsonCreator
    public TransformerConfig {
        if (quantization == null) {
            quantization = Quantization.NONE;
        }
        positive("vocab_size", vocabSize);
        positive("context_length", contextLength);
        positive("layers", layers);
        positive("d_model", dModel);
        positive("heads", heads);
        positive("ffn_size", ffnSize);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("heads: " + heads + " does not divide d_model " + dModel);
        }
    }

    /** A full-precision model. */
    public TransformerConfig(int vocabSize, int contextLength, int layers, int dModel, int heads, int ffnSize, boolean tiedHead) {
        this(vocabSize, contextLength, layers, dModel, heads, ffnSize, tiedHead, Quantization.NONE);
    }

    /** The preset names {@link #preset} accepts, smallest first. */
    public static final List<String> PRESETS = List.of("tiny", "small", "cognate-6m", "cognate-25m");

    /** Trains in seconds: for tests and demos. Its context holds a whole example of every built-in data set. */
    public static TransformerConfig tiny() {
        return new TransformerConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 32, 2, 64, true);
    }

    /** A CPU-friendly default (about 3.3M parameters). */
    public static TransformerConfig small() {
        return new TransformerConfig(ByteTokenizer.VOCAB_SIZE, 128, 4, 256, 4, 1024, true);
    }

    /**
     * The original Cognate's dimensions (d_model 216, 11 layers, 4 heads, FFN 864): about 6.3M parameters with the
     * byte vocabulary, whatever the original's name promised.
     */
    public static TransformerConfig cognate6m() {
        return new TransformerConfig(ByteTokenizer.VOCAB_SIZE, 256, 11, 216, 4, 864, true);
    }

    /** About 25M parameters, the size the original's Cognate models had: 8 layers, d_model 512, 8 heads, FFN 2048. */
    public static TransformerConfig cognate25m() {
        return new TransformerConfig(ByteTokenizer.VOCAB_SIZE, 256, 8, 512, 8, 2048, true);
    }

    public static TransformerConfig preset(String name) {
        return switch (name) {
            case "tiny" -> tiny();
            case "small" -> small();
            case "cognate-6m" -> cognate6m();
            case "cognate-25m" -> cognate25m();
            default -> throw new IllegalArgumentException(
                    "model_preset: unknown preset '" + name + "' " + PRESETS);
        };
    }

    public int headSize() {
        return dModel / heads;
    }

    public TransformerConfig withVocabSize(int size) {
        return new TransformerConfig(size, contextLength, layers, dModel, heads, ffnSize, tiedHead, quantization);
    }

    public TransformerConfig withContextLength(int length) {
        return new TransformerConfig(vocabSize, length, layers, dModel, heads, ffnSize, tiedHead, quantization);
    }

    public TransformerConfig withQuantization(Quantization mode) {
        return new TransformerConfig(vocabSize, contextLength, layers, dModel, heads, ffnSize, tiedHead, mode);
    }

    /** Parameters of a model of this shape, counted without building it. */
    public long parameterCount() {
        long d = dModel;
        long perLayer = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (ffnSize * d + ffnSize) + (d * ffnSize + d);
        long head = tiedHead ? 0 : (long) vocabSize * d;
        return (long) vocabSize * d + (long) contextLength * d + layers * perLayer + 2 * d + head;
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + ": must be at least 1, was " + value);
        }
    }
}
