package io.agentforge.engine.generation;

/**
 * A sequence being generated, as the decoding loop sees it: feed it tokens, get the next-token logits. The model's
 * implementation ({@link ModelTokenSource}) keeps a key/value cache, so that tokens a runtime injects (a tool result)
 * cost one forward pass and the sequence never starts over.
 */
public interface TokenSource extends AutoCloseable {

    /** Appends {@code tokens} (at least one) to the sequence and returns the logits for the token after them. */
    float[] feed(int[] tokens);

    /** Positions held. */
    int length();

    /** The most positions the sequence can hold (the model's context). */
    int capacity();

    @Override
    void close();
}
