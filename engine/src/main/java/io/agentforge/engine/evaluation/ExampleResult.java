package io.agentforge.engine.evaluation;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One example's outcome: the greedily generated continuation against the reference answer.
 *
 * @param index     the example's position in its split
 * @param generated the new tokens, up to and including the end-of-text token when the model emitted one
 * @param correct   whether the final answers match (see {@link Answers#finalAnswer})
 */
public record ExampleResult(int index, int[] prompt, int[] expected, int[] generated, boolean correct) {

    /** For per-example result files: the texts with special tokens shown as markers. */
    public Map<String, Object> describe(ByteTokenizer tokenizer) {
        var map = new LinkedHashMap<String, Object>();
        map.put("index", index);
        map.put("prompt", tokenizer.decode(prompt));
        map.put("expected", tokenizer.decode(expected));
        map.put("generated", tokenizer.decode(generated));
        map.put("correct", correct);
        return map;
    }
}
