package io.agentforge.engine.generation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.tools.ToolResult;
import io.agentforge.engine.tools.ToolRuntime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolAwareGeneratorTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int CALL = SpecialToken.TOOL_CALL.id();
    private static final int CALL_END = SpecialToken.TOOL_CALL_END.id();
    private static final int RESULT = SpecialToken.TOOL_RESULT.id();
    private static final int RESULT_END = SpecialToken.TOOL_RESULT_END.id();
    private static final int THOUGHT = SpecialToken.THOUGHT_START.id();
    private static final int THOUGHT_END = SpecialToken.THOUGHT_END.id();
    private static final int EOT = SpecialToken.END_OF_TEXT.id();
    private static final int[] PROMPT = TOKENIZER.encode("Q: 347 boxes of 29 cans?");

    @Test
    void runsTheCallInjectsItsResultAndTheModelContinuesFromIt() {
        var runtime = new CountingRuntime(new Calculator());
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "347*29"));
        var answer = new ToolAwareGenerator(runtime).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.NORMAL));

        assertThat(runtime.calls.get()).isEqualTo(1);
        assertThat(answer.calls()).singleElement().satisfies(call -> {
            assertThat(call.text()).isEqualTo("347*29");
            assertThat(call.result()).isEqualTo(ToolResult.value("10063"));
            assertThat(call.injected()).isEqualTo("10063");
            assertThat(call.executed()).isTrue();
        });
        assertThat(answer.answer()).isEqualTo(" A: 10063");
        int[] expected = concat(new int[] {CALL}, TOKENIZER.encode("347*29"), new int[] {CALL_END, RESULT},
                TOKENIZER.encode("10063"), new int[] {RESULT_END}, TOKENIZER.encode(" A: 10063"), new int[] {EOT});
        assertThat(answer.tokens()).containsExactly(expected);
        // The source saw the result right after the call's end, in the same sequence (no restart).
        assertThat(source.fed).containsExactlyElementsOf(boxed(concat(PROMPT, Arrays.copyOf(expected, expected.length - 1))));
        assertThat(source.feeds.getFirst()).isEqualTo(PROMPT.length);
        assertThat(source.feeds).contains(8); // <|endoftoolcall|>, <|toolresult|>, 1 0 0 6 3, <|endoftoolresult|> at once
    }

    @Test
    void withTheRuntimeOffNothingRunsAndNothingIsInjected() {
        var runtime = new CountingRuntime(new Calculator());
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "347*29"));
        var answer = new ToolAwareGenerator(runtime).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.OFF));

        assertThat(runtime.calls.get()).isZero();
        assertThat(source.fed).doesNotContain(RESULT, RESULT_END);
        assertThat(answer.calls()).singleElement().satisfies(call -> {
            assertThat(call.executed()).isFalse();
            assertThat(call.result()).isNull();
            assertThat(call.injected()).isNull();
        });
        assertThat(answer.answer()).isEqualTo(" A: ?");
    }

    @Test
    void theCounterfactualRuntimeInjectsTheResultPlusOneAndTheAnswerFollowsIt() {
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "347*29"));
        var answer = new ToolAwareGenerator(new Calculator()).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.COUNTERFACTUAL));
        assertThat(answer.calls().getFirst().result().output()).isEqualTo("10063");
        assertThat(answer.calls().getFirst().injected()).isEqualTo("10064");
        assertThat(answer.answer()).isEqualTo(" A: 10064");
        assertThat(ToolAwareGenerator.plusOne(ToolResult.value("0.5"))).isEqualTo("1.5");
        assertThat(ToolAwareGenerator.plusOne(ToolResult.error("x"))).isEqualTo("ERROR");
    }

    @Test
    void aMalformedCallGetsAnErrorResultAndGenerationGoesOn() {
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "System.exit(0)"));
        var answer = new ToolAwareGenerator(new Calculator()).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.NORMAL));
        assertThat(answer.calls()).singleElement().satisfies(call -> {
            assertThat(call.result().ok()).isFalse();
            assertThat(call.injected()).isEqualTo("ERROR");
        });
        assertThat(answer.answer()).isEqualTo(" A: ERROR");
        var throwing = new ToolAwareGenerator(text -> {
            throw new IllegalStateException("boom");
        }).generate(new ScriptedSource(new CallingModel(PROMPT.length, "1+1")), PROMPT, settings(ToolAwareGenerator.RuntimeMode.NORMAL));
        assertThat(throwing.calls().getFirst().result().error()).contains("boom");
    }

    @Test
    void atMostTwoCallsRunPerAnswer() {
        var runtime = new CountingRuntime(new Calculator());
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "1+1", "2*3", "4*5"));
        var answer = new ToolAwareGenerator(runtime).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.NORMAL));
        assertThat(runtime.calls.get()).isEqualTo(2);
        assertThat(answer.calls()).extracting(ToolAwareGenerator.ToolCall::text).containsExactly("1+1", "2*3", "4*5");
        assertThat(answer.calls()).extracting(ToolAwareGenerator.ToolCall::executed).containsExactly(true, true, false);
        assertThat(answer.calls()).extracting(ToolAwareGenerator.ToolCall::injected).containsExactly("2", "6", "ERROR");
    }

    @Test
    void aCallThatRunsOnIsClosedAtItsCap() {
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "1".repeat(200)));
        var settings = new ToolAwareGenerator.Settings(new GenerationSettings(120, 0, 0, 0, Set.of(EOT)),
                ToolAwareGenerator.RuntimeMode.NORMAL, 2, 10, 64);
        var answer = new ToolAwareGenerator(new Calculator()).generate(source, PROMPT, settings);
        assertThat(answer.calls().getFirst().text()).isEqualTo("1".repeat(10));
        assertThat(Arrays.stream(answer.tokens()).boxed().toList()).containsSubsequence(CALL_END, RESULT);
    }

    @Test
    void thoughtsStayOutOfTheAnswerAndALongOneIsClosedAtItsCap() {
        // A model that thinks "hm" forever until the thought is closed for it, then answers "ok".
        Function<List<Integer>, Integer> thinker = history -> {
            var generated = history.subList(PROMPT.length, history.size());
            if (generated.isEmpty()) {
                return THOUGHT;
            }
            int closed = generated.indexOf(THOUGHT_END);
            if (closed < 0) {
                return generated.size() % 2 == 1 ? (int) 'h' : (int) 'm';
            }
            int[] rest = TOKENIZER.encode("ok");
            int at = generated.size() - closed - 1;
            return at < rest.length ? rest[at] : EOT;
        };
        var settings = new ToolAwareGenerator.Settings(new GenerationSettings(50, 0, 0, 0, Set.of(EOT)),
                ToolAwareGenerator.RuntimeMode.NORMAL, 2, 48, 6);
        var answer = new ToolAwareGenerator(new Calculator()).generate(new ScriptedSource(thinker), PROMPT, settings);
        assertThat(answer.thought()).isEqualTo("hmhmhm");
        assertThat(answer.answer()).isEqualTo("ok");
        assertThat(answer.tokens()).containsExactly(concat(new int[] {THOUGHT}, TOKENIZER.encode("hmhmhm"), new int[] {THOUGHT_END},
                TOKENIZER.encode("ok"), new int[] {EOT}));
    }

    @Test
    void aResultThatDoesNotFitTheContextEndsGenerationWithoutError() {
        // 25 prompt tokens + 8 of the call leave 7 positions: the 8 tokens of "<|endoftoolcall|><|toolresult|>10063<|endoftoolresult|>" do not fit.
        var source = new ScriptedSource(new CallingModel(PROMPT.length, "347*29"), PROMPT.length + 14);
        var answer = new ToolAwareGenerator(new Calculator()).generate(source, PROMPT, settings(ToolAwareGenerator.RuntimeMode.NORMAL));
        assertThat(source.fed).hasSize(PROMPT.length + 7);
        assertThat(PROMPT.length + answer.tokens().length).isEqualTo(PROMPT.length + 14);
        assertThat(answer.calls()).singleElement().extracting(ToolAwareGenerator.ToolCall::injected).isEqualTo("10063");
        assertThat(answer.answer()).isEmpty();
    }

    @Test
    void settingsRefuseNonsenseByName() {
        var generation = GenerationSettings.greedy(10);
        assertThatThrownBy(() -> new ToolAwareGenerator.Settings(generation, ToolAwareGenerator.RuntimeMode.OFF, -1, 8, 8))
                .hasMessageStartingWith("max_calls:");
        assertThatThrownBy(() -> new ToolAwareGenerator.Settings(generation, ToolAwareGenerator.RuntimeMode.OFF, 2, 0, 8))
                .hasMessageStartingWith("max_call_tokens");
    }

    @Test
    void aRealModelContinuesFromTheInjectedResultThroughItsCache() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 21)) {
            int[] forced = concat(new int[] {CALL}, TOKENIZER.encode("12*12"), new int[] {CALL_END});
            var answer = new ToolAwareGenerator(new Calculator()).generate(new ForcingSource(new ModelTokenSource(model), forced),
                    TOKENIZER.encode("Q: 12*12?"), new ToolAwareGenerator.Settings(new GenerationSettings(forced.length + 12, 0, 0, 0, Set.of()),
                            ToolAwareGenerator.RuntimeMode.NORMAL, 2, 48, 64));
            assertThat(answer.calls()).singleElement().extracting(ToolAwareGenerator.ToolCall::injected).isEqualTo("144");
            int[] injectedEnd = concat(forced, new int[] {RESULT}, TOKENIZER.encode("144"), new int[] {RESULT_END});
            assertThat(Arrays.copyOf(answer.tokens(), injectedEnd.length)).containsExactly(injectedEnd);
            // Every token after the injection is the model's greedy choice over the whole sequence, recomputed
            // without a cache: the cache held the prompt, the call and the injected result.
            int[] prompt = TOKENIZER.encode("Q: 12*12?");
            int[] sequence = concat(prompt, answer.tokens());
            try (NDManager manager = NDManager.newBaseManager()) {
                for (int n = prompt.length + injectedEnd.length; n < sequence.length; n++) {
                    long[] ids = Arrays.stream(sequence, 0, n).asLongStream().toArray();
                    var logits = model.forward(manager.create(ids, new Shape(1, n)));
                    assertThat((int) logits.get(0, n - 1).argMax().getLong()).as("position %d", n).isEqualTo(sequence[n]);
                }
            }
            assertThat(sequence.length - prompt.length - injectedEnd.length).isEqualTo(12);
        }
    }

    private static ToolAwareGenerator.Settings settings(ToolAwareGenerator.RuntimeMode mode) {
        return ToolAwareGenerator.Settings.of(new GenerationSettings(100, 0, 0, 0, Set.of(EOT)), mode);
    }

    /** A model that writes its calls one after another, then " A: " and the last result it was given ("?" if none). */
    private record CallingModel(int promptLength, String... calls) implements Function<List<Integer>, Integer> {
        @Override
        public Integer apply(List<Integer> history) {
            var generated = history.subList(promptLength, history.size());
            int position = 0;
            String lastResult = "?";
            for (String call : calls) {
                int[] mine = concat(new int[] {CALL}, TOKENIZER.encode(call), new int[] {CALL_END});
                for (int token : mine) {
                    if (position == generated.size()) {
                        return token;
                    }
                    if (generated.get(position) != token) {
                        break; // the generator closed the call early
                    }
                    position++;
                }
                if (position < generated.size() && generated.get(position) == CALL_END) {
                    position++;
                }
                if (position < generated.size() && generated.get(position) == RESULT) {
                    int close = generated.subList(position, generated.size()).indexOf(RESULT_END) + position;
                    lastResult = TOKENIZER.decodeText(generated.subList(position + 1, close).stream().mapToInt(i -> i).toArray());
                    position = close + 1;
                }
            }
            int[] answer = TOKENIZER.encode(" A: " + lastResult);
            int at = generated.size() - position;
            return at < answer.length ? answer[at] : EOT;
        }
    }

    /** Logits that put all weight on what the scripted model says next; records every token fed. */
    private static final class ScriptedSource implements TokenSource {
        private final Function<List<Integer>, Integer> model;
        private final int capacity;
        final List<Integer> fed = new ArrayList<>();
        final List<Integer> feeds = new ArrayList<>();

        ScriptedSource(Function<List<Integer>, Integer> model) {
            this(model, 512);
        }

        ScriptedSource(Function<List<Integer>, Integer> model, int capacity) {
            this.model = model;
            this.capacity = capacity;
        }

        @Override
        public float[] feed(int[] tokens) {
            for (int t : tokens) {
                fed.add(t);
            }
            feeds.add(tokens.length);
            float[] logits = new float[ByteTokenizer.VOCAB_SIZE];
            logits[model.apply(List.copyOf(fed))] = 10f;
            return logits;
        }

        @Override
        public int length() {
            return fed.size();
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void close() {
        }
    }

    /** A real model whose first picks are forced to {@code forced}; afterwards the model's own logits. */
    private static final class ForcingSource implements TokenSource {
        private final TokenSource inner;
        private final int[] forced;
        private int picks;

        ForcingSource(TokenSource inner, int[] forced) {
            this.inner = inner;
            this.forced = forced;
        }

        @Override
        public float[] feed(int[] tokens) {
            float[] logits = inner.feed(tokens);
            if (picks < forced.length) {
                logits = new float[logits.length];
                logits[forced[picks++]] = 10f;
            }
            return logits;
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public int capacity() {
            return inner.capacity();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static final class CountingRuntime implements ToolRuntime {
        private final ToolRuntime inner;
        final AtomicInteger calls = new AtomicInteger();

        CountingRuntime(ToolRuntime inner) {
            this.inner = inner;
        }

        @Override
        public ToolResult call(String callText) {
            calls.incrementAndGet();
            return inner.call(callText);
        }
    }

    private static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
