package io.agentforge.engine.evaluation;

import io.agentforge.engine.data.PersonaTurns;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.generation.TokenSource;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.tools.Calculator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ToolUseEvaluationTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int CALL = SpecialToken.TOOL_CALL.id();
    private static final int CALL_END = SpecialToken.TOOL_CALL_END.id();
    private static final int RESULT = SpecialToken.TOOL_RESULT.id();
    private static final int RESULT_END = SpecialToken.TOOL_RESULT_END.id();
    private static final int EOT = SpecialToken.END_OF_TEXT.id();
    private static final List<ToolProblems.Problem> PROBLEMS = ToolProblems.generate(Split.TEST, 12, 5);

    @Test
    void aModelThatReadsTheToolScoresWithItLosesWithoutItAndFollowsALie() {
        var report = ToolUseEvaluation.tools(() -> new ScriptedSource(ToolUseEvaluationTest::reader), new Calculator(), PROBLEMS, 40);
        assertThat(report.problems()).isEqualTo(12);
        assertThat(report.callRate()).isEqualTo(1.0);
        assertThat(report.callValidRate()).isEqualTo(1.0);
        assertThat(report.accuracyWithTool()).isEqualTo(1.0);
        // Runtime off: the reader has no result to copy, so it guesses 0 and is wrong.
        assertThat(report.accuracyWithoutTool()).isZero();
        assertThat(report.deltaTool()).isEqualTo(1.0);
        assertThat(report.counterfactualProblems()).isEqualTo(12);
        assertThat(report.counterfactualFollowRate()).isEqualTo(1.0);
        var first = report.outcomes().getFirst();
        assertThat(first.counterfactual().answer()).isEqualTo("A:" + (Long.parseLong(first.problem().value()) + 1));
    }

    @Test
    void aModelThatComputesItselfGainsNothingFromTheToolAndIgnoresALie() {
        var report = ToolUseEvaluation.tools(() -> new ScriptedSource(ToolUseEvaluationTest::mentalArithmetic), new Calculator(), PROBLEMS, 40);
        assertThat(report.accuracyWithTool()).isEqualTo(1.0);
        assertThat(report.accuracyWithoutTool()).isEqualTo(1.0);
        assertThat(report.deltaTool()).isZero();
        assertThat(report.counterfactualFollowRate()).isZero();
    }

    @Test
    void aModelThatNeverCallsHasNoCallRatesToReport() {
        var report = ToolUseEvaluation.tools(() -> new ScriptedSource(history -> EOT), new Calculator(), PROBLEMS, 40);
        assertThat(report.callRate()).isZero();
        assertThat(report.callValidRate()).isNaN();
        assertThat(report.counterfactualFollowRate()).isNaN();
        assertThat(report.accuracyWithTool()).isZero();
    }

    @Test
    void aWrongCallIsCountedAsACallButNotAValidOne() {
        Function<List<Integer>, Integer> wrongCall = history -> script(history, "1+1", true);
        var report = ToolUseEvaluation.tools(() -> new ScriptedSource(wrongCall), new Calculator(), PROBLEMS, 40);
        assertThat(report.callRate()).isEqualTo(1.0);
        assertThat(report.callValidRate()).isZero();
        assertThat(report.accuracyWithTool()).isZero();
    }

    @Test
    void theThreeRunsUseTheSameWeights() {
        // An untrained model: whatever it writes, the three runtime modes must see the same greedy tokens up to the
        // first injected result, which only holds if every mode ran the very same weights.
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 3)) {
            var report = ToolUseEvaluation.tools(model, new Calculator(), PROBLEMS.subList(0, 4), 12);
            for (var outcome : report.outcomes()) {
                int[] normal = beforeResult(outcome.normal().tokens());
                assertThat(beforeResult(outcome.off().tokens())).isEqualTo(normal);
                assertThat(beforeResult(outcome.counterfactual().tokens())).isEqualTo(normal);
            }
            try (var other = LanguageModel.initialize(TransformerConfig.tiny(), 4)) {
                var otherReport = ToolUseEvaluation.tools(other, new Calculator(), PROBLEMS.subList(0, 4), 12);
                assertThat(otherReport.outcomes().stream().map(o -> Arrays.toString(o.normal().tokens())).toList())
                        .isNotEqualTo(report.outcomes().stream().map(o -> Arrays.toString(o.normal().tokens())).toList());
            }
        }
    }

    @Test
    void personaRateCountsRepliesThatOpenWithTheSignature() {
        var turns = PersonaTurns.of(Split.TEST).subList(0, 6);
        Function<List<Integer>, Integer> inPersona = history -> reply(history, "A:" + PersonaTurns.SIGNATURE + " " + PersonaTurns.IDENTITY);
        var report = ToolUseEvaluation.persona(() -> new ScriptedSource(inPersona), new Calculator(), turns, 120);
        assertThat(report.personaRate()).isEqualTo(1.0);
        assertThat(report.identityRate()).isEqualTo(1.0);
        Function<List<Integer>, Integer> plain = history -> reply(history, "A:I am a model.");
        var plainReport = ToolUseEvaluation.persona(() -> new ScriptedSource(plain), new Calculator(), turns, 120);
        assertThat(plainReport.personaRate()).isZero();
        assertThat(plainReport.answers()).containsOnly("A:I am a model.");
    }

    @Test
    void theFinalAnswerIsTheTextFromTheLastAnswerMarker() {
        assertThat(ToolUseEvaluation.finalAnswer("10063A:10063")).isEqualTo("A:10063");
        assertThat(ToolUseEvaluation.finalAnswer(" A:12 ")).isEqualTo("A:12");
        assertThat(ToolUseEvaluation.finalAnswer("12")).isEqualTo("12");
    }

    private static int[] beforeResult(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == RESULT) {
                return Arrays.copyOf(tokens, i);
            }
        }
        return tokens;
    }

    /** Calls the question's expression, then answers with the injected result (or 0 when none came). */
    private static int reader(List<Integer> history) {
        return script(history, null, true);
    }

    /** Calls the question's expression, then answers with the value it computed itself, whatever came back. */
    private static int mentalArithmetic(List<Integer> history) {
        return script(history, null, false);
    }

    private static int script(List<Integer> history, String forcedCall, boolean readsResult) {
        int promptEnd = history.indexOf((int) '\n') + 1;
        String question = TOKENIZER.decodeText(ints(history.subList(0, promptEnd)));
        var problem = PROBLEMS.stream().filter(p -> p.prompt().equals(question)).findFirst().orElseThrow();
        String expression = forcedCall != null ? forcedCall : problem.expression();
        var generated = history.subList(promptEnd, history.size());
        var call = new ArrayList<Integer>();
        call.add(CALL);
        for (int t : TOKENIZER.encode(expression)) {
            call.add(t);
        }
        call.add(CALL_END);
        if (generated.size() < call.size()) {
            return call.get(generated.size());
        }
        int position = call.size();
        String result = "0";
        if (generated.size() > position && generated.get(position) == RESULT) {
            int close = generated.indexOf(RESULT_END);
            result = TOKENIZER.decodeText(ints(generated.subList(position + 1, close)));
            position = close + 1;
        }
        String answer = "A:" + (readsResult ? result : Calculator.evaluate(expression).output());
        int[] tokens = TOKENIZER.encode(answer);
        int at = generated.size() - position;
        return at < tokens.length ? tokens[at] : EOT;
    }

    private static int reply(List<Integer> history, String text) {
        int promptEnd = history.indexOf((int) '\n') + 1;
        int at = history.size() - promptEnd;
        int[] tokens = TOKENIZER.encode(text);
        return at < tokens.length ? tokens[at] : EOT;
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Logits that put all weight on the scripted model's next token. */
    private static final class ScriptedSource implements TokenSource {
        private final Function<List<Integer>, Integer> model;
        private final List<Integer> fed = new ArrayList<>();

        ScriptedSource(Function<List<Integer>, Integer> model) {
            this.model = model;
        }

        @Override
        public float[] feed(int[] tokens) {
            for (int t : tokens) {
                fed.add(t);
            }
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
            return 512;
        }

        @Override
        public void close() {
        }
    }
}
