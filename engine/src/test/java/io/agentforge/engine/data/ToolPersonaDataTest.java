package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tools.Calculator;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ToolPersonaDataTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @Test
    void toolProblemsAreBeyondMentalArithmeticAndTheirCallsComputeTheirValues() {
        var problems = ToolProblems.generate(Split.TRAIN, 400, 7);
        assertThat(problems).hasSize(400).allSatisfy(p -> {
            assertThat(Calculator.evaluate(p.expression()).output()).as(p.expression()).isEqualTo(p.value());
            assertThat(p.expression()).matches("\\d{3}\\*\\d{2}|\\d{2}\\*\\d{3}|\\d{4}\\+\\d{4}");
            assertThat(p.split()).isEqualTo(Split.TRAIN);
            // The small presets have a context of 128 tokens.
            assertThat(p.example(TOKENIZER).tokens().length).isLessThanOrEqualTo(129);
        });
        assertThat(problems.stream().filter(p -> p.expression().contains("*"))).hasSizeBetween(150, 250);
        assertThat(ToolProblems.generate(Split.TRAIN, 400, 7)).isEqualTo(problems);
    }

    @Test
    void noTestProblemSharesItsOperandsWithATrainProblemInAnyWording() {
        var train = operands(ToolProblems.generate(Split.TRAIN, 20_000, 3));
        var test = operands(ToolProblems.generate(Split.TEST, 2_000, 3));
        var select = operands(ToolProblems.generate(Split.SELECT, 2_000, 3));
        assertThat(shared(test, train)).isEmpty();
        assertThat(shared(test, select)).isEmpty();
        assertThat(shared(select, train)).isEmpty();
        // With 3 million possible operand pairs, collisions within a split are rare: the sets are real.
        assertThat(test).hasSizeGreaterThan(1_900);
    }

    @Test
    void personaTestPhrasingsAreUnseenAndEveryReplyOpensWithTheSignature() {
        var train = PersonaTurns.of(Split.TRAIN);
        var test = PersonaTurns.of(Split.TEST);
        Set<String> trainQuestions = train.stream().map(PersonaTurns.Turn::question).collect(Collectors.toSet());
        assertThat(test).noneMatch(t -> trainQuestions.contains(t.question()));
        assertThat(test.stream().filter(PersonaTurns.Turn::identity)).hasSizeGreaterThanOrEqualTo(20);
        assertThat(train).allSatisfy(t -> assertThat(PersonaTurns.inPersona(t.answer())).isTrue());
        for (var split : Split.values()) {
            assertThat(PersonaTurns.of(split)).allSatisfy(t -> assertThat(t.example(TOKENIZER).tokens().length)
                    .as(t.question()).isLessThanOrEqualTo(129));
        }
        assertThat(PersonaTurns.inPersona("A:Tuesday")).isFalse();
        var example = train.getFirst().example(TOKENIZER);
        assertThat(TOKENIZER.decode(example.tokens())).isEqualTo("<|persona|>Q:Who are you?\nA:Forge here. "
                + PersonaTurns.IDENTITY + "<|endoftext|>");
        assertThat(TOKENIZER.decode(example.prompt())).isEqualTo("<|persona|>Q:Who are you?\n");
    }

    private static Set<String> shared(Set<String> a, Set<String> b) {
        var both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    private static Set<String> operands(List<ToolProblems.Problem> problems) {
        var keys = new HashSet<String>();
        for (var p : problems) {
            String[] parts = p.expression().split("[*+]");
            int a = Integer.parseInt(parts[0]);
            int b = Integer.parseInt(parts[1]);
            keys.add(p.expression().replaceAll("\\d", "").trim() + Math.min(a, b) + "," + Math.max(a, b));
        }
        return keys;
    }
}
