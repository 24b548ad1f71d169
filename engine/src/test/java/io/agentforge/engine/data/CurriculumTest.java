package io.agentforge.engine.data;

import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CurriculumTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int CONTEXT = TransformerConfig.tiny().contextLength();
    private static final List<Long> SEEDS = List.of(42L, 1337L, 2023L);

    private static DatasetSplits load(Curriculum.Mix mix, long seed) {
        return new Curriculum(mix).load(TOKENIZER, CONTEXT, SplitSettings.defaults(seed));
    }

    @Test
    void noSelectOrTestExampleIsInAnyModelsTrainSplit() {
        var models = new ArrayList<DatasetSplits>();
        for (int i = 0; i < SEEDS.size(); i++) {
            models.add(load(Curriculum.Mix.values()[i], SEEDS.get(i)));
        }
        var first = models.getFirst();
        assertThat(first.select()).hasSizeGreaterThan(400);
        assertThat(first.test()).hasSizeGreaterThan(400);
        for (var model : models) {
            assertThat(model.select()).isEqualTo(first.select());
            assertThat(model.test()).isEqualTo(first.test());
            assertThat(model.hashes().get("select")).isEqualTo(first.hashes().get("select"));
            assertThat(model.hashes().get("test")).isEqualTo(first.hashes().get("test"));
        }
        var held = new HashSet<>(first.select());
        held.addAll(first.test());
        for (var model : models) {
            assertThat(model.train()).hasSizeGreaterThan(4500).doesNotContainAnyElementsOf(held);
        }
        assertThat(new HashSet<>(first.select())).doesNotContainAnyElementsOf(first.test());
    }

    @Test
    void theMixesGiveEachModelADifferentTrainingDiet() {
        var tasks = Curriculum.tasks(TOKENIZER);
        var wordProblems = new HashSet<>(tasks.get(Curriculum.Task.WORD_PROBLEMS));
        var sums = new HashSet<>(tasks.get(Curriculum.Task.ARITHMETIC));
        var heavy = load(Curriculum.Mix.WORD_PROBLEM_HEAVY, 42).train();
        var arithmetic = load(Curriculum.Mix.ARITHMETIC_HEAVY, 42).train();
        assertThat(heavy.stream().filter(wordProblems::contains).count()).isBetween(2700L, 2800L);
        assertThat(arithmetic.stream().filter(wordProblems::contains).count()).isBetween(700L, 800L);
        assertThat(arithmetic.stream().filter(sums::contains).count()).isBetween(2200L, 2300L);
        assertThat(load(Curriculum.Mix.BALANCED, 1).train()).isNotEqualTo(load(Curriculum.Mix.BALANCED, 2).train());
    }

    @Test
    void everyExampleFitsTinysContextAndNothingIsLeftOut() {
        assertThat(load(Curriculum.Mix.BALANCED, 42).leftOut()).isZero();
    }

    @Test
    void aSmallerContextLeavesLongExamplesOutAndCountsThem() {
        var splits = new Curriculum(Curriculum.Mix.BALANCED).load(TOKENIZER, 64, SplitSettings.defaults(42));
        assertThat(splits.leftOut()).isPositive();
        assertThat(splits.train()).allMatch(e -> e.tokens().length <= 65);
    }

    @Test
    void sumsAreWrittenWithTheirWorkedStepsBetweenThoughtTokens() {
        var example = ScratchpadArithmetic.example(TOKENIZER, 4738, 2965);
        assertThat(TOKENIZER.decode(example.prompt())).isEqualTo("Q:4738+2965=");
        assertThat(TOKENIZER.decode(example.answer())).isEqualTo(SpecialToken.THOUGHT_START.marker()
                + "8+5=13 c1 3+6+1=10 c1 7+9+1=17 c1 4+2+1=7" + SpecialToken.THOUGHT_END.marker() + "A:7703"
                + SpecialToken.END_OF_TEXT.marker());
        assertThat(ScratchpadArithmetic.steps(95, 7)).isEqualTo("5+7=12 c1 9+0+1=10");
        for (var e : Curriculum.tasks(TOKENIZER).get(Curriculum.Task.ARITHMETIC)) {
            var text = TOKENIZER.decodeText(e.tokens());
            var sum = text.substring(2, text.indexOf('=')).split("\\+");
            assertThat(text).endsWith("A:" + (Integer.parseInt(sum[0]) + Integer.parseInt(sum[1])));
        }
    }

    @Test
    void modularAndShortAnswersAreRight() {
        var tasks = Curriculum.tasks(TOKENIZER);
        assertThat(tasks.get(Curriculum.Task.MODULAR)).hasSize(2 * 97 * 97)
                .anyMatch(e -> TOKENIZER.decodeText(e.tokens()).equals("Q:37*54 mod 97=A:" + 37 * 54 % 97));
        assertThat(tasks.get(Curriculum.Task.QUESTIONS)).hasSizeGreaterThan(800)
                .anyMatch(e -> TOKENIZER.decodeText(e.tokens()).equals("Q:Spell cat backwards.\nA:tac"))
                .anyMatch(e -> TOKENIZER.decodeText(e.tokens()).equals("Q:What day comes after Sunday?\nA:Monday"));
    }
}
