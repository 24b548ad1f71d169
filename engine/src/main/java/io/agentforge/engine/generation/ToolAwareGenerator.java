package io.agentforge.engine.generation;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.tools.ToolResult;
import io.agentforge.engine.tools.ToolRuntime;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generation that runs tools and keeps thoughts apart. The model writes a call as
 * <pre>
 *   &lt;|toolcall|&gt; 347*29 &lt;|endoftoolcall|&gt;
 * </pre>
 * and at the end token generation pauses: the runtime executes the call and its result is fed into the same key/value
 * cache as {@code <|toolresult|> 10063 <|endoftoolresult|>}, after which the model continues from it. A thought is
 * {@code <|startofthought|> … <|endofthought|>}; one that reaches its cap is closed by feeding the end token.
 *
 * <p>The answer is the text outside calls, results and thoughts, so thought or call tokens never appear in it. At most
 * {@code maxCalls} calls run; a later one gets an error result. A malformed call gets the runtime's error result and
 * generation goes on; a call longer than its cap is closed and handed over as it is. Only the model's own tokens count
 * against {@code maxNewTokens}; injected ones count against the context.
 */
public final class ToolAwareGenerator {

    private static final int CALL = SpecialToken.TOOL_CALL.id();
    private static final int CALL_END = SpecialToken.TOOL_CALL_END.id();
    private static final int RESULT = SpecialToken.TOOL_RESULT.id();
    private static final int RESULT_END = SpecialToken.TOOL_RESULT_END.id();
    private static final int THOUGHT = SpecialToken.THOUGHT_START.id();
    private static final int THOUGHT_END = SpecialToken.THOUGHT_END.id();

    private final ToolRuntime runtime;
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    public ToolAwareGenerator(ToolRuntime runtime) {
        this.runtime = runtime;
    }

    /** What the runtime does with a call: the phase measures the model with each. */
    public enum RuntimeMode {
        /** Execute the call and inject its result. */
        NORMAL,
        /** Execute nothing and inject nothing: the model must answer without the tool. */
        OFF,
        /** Execute the call and inject a wrong value, the result plus one (errors as they are). */
        COUNTERFACTUAL
    }

    /**
     * @param maxCalls         calls executed per answer (the rest get an error result)
     * @param maxCallTokens    tokens a call may take before it is closed
     * @param maxThoughtTokens tokens a thought may take before it is closed
     */
    public record Settings(GenerationSettings generation, RuntimeMode mode, int maxCalls, int maxCallTokens, int maxThoughtTokens) {

        public Settings {
            if (generation == null || mode == null) {
                throw new IllegalArgumentException("generation and mode are required");
            }
            if (maxCalls < 0) {
                throw new IllegalArgumentException("max_calls: must be at least 0, was " + maxCalls);
            }
            if (maxCallTokens < 1 || maxThoughtTokens < 1) {
                throw new IllegalArgumentException("max_call_tokens and max_thought_tokens: must be at least 1");
            }
        }

        /** Two calls of up to 48 tokens, thoughts of up to 64. */
        public static Settings of(GenerationSettings generation, RuntimeMode mode) {
            return new Settings(generation, mode, 2, 48, 64);
        }
    }

    /**
     * One call as it happened.
     *
     * @param result   what the runtime answered, or null when it did not run (runtime off)
     * @param injected the text fed between the result tokens, or null when nothing was fed
     * @param executed whether the runtime ran it (false when off or over the call limit)
     */
    public record ToolCall(String text, ToolResult result, String injected, boolean executed) {
    }

    /**
     * @param tokens  everything after the prompt: the model's tokens and the injected ones, in order
     * @param answer  the text outside calls, results and thoughts (special tokens left out)
     * @param thought the text inside thoughts, joined
     */
    public record Answer(int[] tokens, String answer, String thought, List<ToolCall> calls) {
    }

    public Answer generate(LanguageModel model, int[] prompt, Settings settings) {
        try (var source = new ModelTokenSource(model)) {
            return generate(source, prompt, settings);
        }
    }

    public Answer generate(TokenSource source, int[] prompt, Settings settings) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt: must not be empty");
        }
        int capacity = source.capacity();
        int[] kept = prompt.length >= capacity ? Arrays.copyOfRange(prompt, prompt.length - capacity + 1, prompt.length) : prompt;
        var state = new State();
        var random = new Random(settings.generation().seed());
        float[] logits = source.feed(kept);
        int ownTokens = 0;
        while (ownTokens < settings.generation().maxNewTokens() && source.length() < capacity) {
            int next = TextGenerator.pick(logits, settings.generation(), random);
            ownTokens++;
            int[] feed = step(state, next, settings);
            if (feed.length == 0) {
                break;
            }
            if (source.length() + feed.length > capacity) {
                // The injection does not fit: keep what fits of it and stop.
                state.emitted(Arrays.copyOf(feed, capacity - source.length()));
                break;
            }
            state.emitted(feed);
            logits = source.feed(feed);
        }
        return state.answer();
    }

    private enum Span { ANSWER, CALL, THOUGHT }

    /** What the loop has produced so far. */
    private final class State {
        private final List<Integer> tokens = new ArrayList<>();
        private final List<Integer> answer = new ArrayList<>();
        private final List<Integer> thought = new ArrayList<>();
        private final List<Integer> call = new ArrayList<>();
        private final List<ToolCall> calls = new ArrayList<>();
        private Span span = Span.ANSWER;
        private int thoughtLength;
        private boolean stopped;

        void emitted(int[] fed) {
            for (int token : fed) {
                tokens.add(token);
            }
        }

        Answer answer() {
            return new Answer(tokens.stream().mapToInt(Integer::intValue).toArray(), tokenizer.decodeText(ints(answer)),
                    tokenizer.decodeText(ints(thought)), List.copyOf(calls));
        }
    }

    /** The tokens to feed after the model picked {@code next} (itself plus anything injected); empty to stop. */
    private int[] step(State s, int next, Settings settings) {
        switch (s.span) {
            case THOUGHT -> {
                if (settings.generation().stopTokens().contains(next)) {
                    s.span = Span.ANSWER;
                    return step(s, next, settings);
                }
                if (next == THOUGHT_END) {
                    s.span = Span.ANSWER;
                    return new int[] {next};
                }
                s.thought.add(next);
                if (++s.thoughtLength >= settings.maxThoughtTokens()) {
                    s.span = Span.ANSWER;
                    return new int[] {next, THOUGHT_END};
                }
                return new int[] {next};
            }
            case CALL -> {
                if (next == CALL_END) {
                    return concat(new int[] {next}, finishCall(s, settings));
                }
                if (ByteTokenizer.isSpecial(next)) {
                    // Another marker inside a call: the call is abandoned unrun, and the marker is read as usual.
                    s.calls.add(new ToolCall(text(s.call), ToolResult.error("call interrupted by " + SpecialToken.ofId(next).marker()), null, false));
                    s.call.clear();
                    s.span = Span.ANSWER;
                    return step(s, next, settings);
                }
                s.call.add(next);
                if (s.call.size() >= settings.maxCallTokens()) {
                    return concat(new int[] {next, CALL_END}, finishCall(s, settings));
                }
                return new int[] {next};
            }
            default -> {
                if (settings.generation().stopTokens().contains(next)) {
                    s.emitted(new int[] {next});
                    return new int[0];
                }
                if (next == CALL) {
                    s.span = Span.CALL;
                } else if (next == THOUGHT) {
                    s.span = Span.THOUGHT;
                    s.thoughtLength = 0;
                } else {
                    s.answer.add(next);
                }
                return new int[] {next};
            }
        }
    }

    /** Runs (or not) the call just closed and returns the result tokens to inject. */
    private int[] finishCall(State s, Settings settings) {
        String text = text(s.call);
        s.call.clear();
        s.span = Span.ANSWER;
        if (settings.mode() == RuntimeMode.OFF) {
            s.calls.add(new ToolCall(text, null, null, false));
            return new int[0];
        }
        ToolCall call;
        if (s.calls.stream().filter(ToolCall::executed).count() >= settings.maxCalls()) {
            call = new ToolCall(text, ToolResult.error("more than " + settings.maxCalls() + " calls"), ToolResult.ERROR_OUTPUT, false);
        } else {
            ToolResult result = runSafely(text);
            String injected = settings.mode() == RuntimeMode.COUNTERFACTUAL ? plusOne(result) : result.output();
            call = new ToolCall(text, result, injected, true);
        }
        s.calls.add(call);
        return concat(concat(new int[] {RESULT}, tokenizer.encode(call.injected())), new int[] {RESULT_END});
    }

    private ToolResult runSafely(String text) {
        try {
            ToolResult result = runtime.call(text);
            return result != null ? result : ToolResult.error("the runtime returned nothing");
        } catch (RuntimeException e) {
            return ToolResult.error("the runtime failed: " + e.getMessage());
        }
    }

    /** The counterfactual value v + 1 of a numeric result; an error or non-number stays as it is. */
    static String plusOne(ToolResult result) {
        if (!result.ok()) {
            return result.output();
        }
        try {
            return Calculator.format(new BigDecimal(result.output()).add(BigDecimal.ONE));
        } catch (NumberFormatException notANumber) {
            return result.output();
        }
    }

    private String text(List<Integer> ids) {
        return tokenizer.decodeText(ints(ids)).strip();
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
