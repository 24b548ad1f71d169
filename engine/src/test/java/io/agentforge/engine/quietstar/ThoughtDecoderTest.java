package io.agentforge.engine.quietstar;

import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.ScratchpadArithmetic;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThoughtDecoderTest {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int SOT = SpecialToken.THOUGHT_START.id();
    private static final int EOT = SpecialToken.THOUGHT_END.id();

    private static List<ThoughtProblem> sums(int count) {
        var problems = new ArrayList<ThoughtProblem>();
        for (int i = 0; i < count; i++) {
            problems.add(ThoughtProblem.of(ScratchpadArithmetic.example(TOKENIZER, 10 + 7 * i, 31 + 13 * i)));
        }
        return problems;
    }

    @Test
    void aThoughtThatReachesTheCapIsClosedAndTheAnswerFollowsIt() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 7)) {
            var problems = sums(6);
            for (double temperature : new double[] {0, 1}) {
                var settings = new ThoughtDecoder.Settings(3, 5, temperature, 11, false);
                var decoded = ThoughtDecoder.decode(model, problems.stream().map(ThoughtProblem::thinkingPrefix).toList(),
                        settings);
                for (var row : decoded) {
                    // An untrained model never closes a thought itself: every one runs to the cap and is closed.
                    assertThat(row.capped()).isTrue();
                    assertThat(row.thought()).hasSize(3);
                    assertThat(row.tokens()[3]).isEqualTo(EOT);
                    assertThat(Arrays.copyOf(row.tokens(), 3)).isEqualTo(row.thought());
                    assertThat(Arrays.copyOfRange(row.tokens(), 4, row.tokens().length))
                            .startsWith(row.answer());
                }
            }
        }
    }

    @Test
    void aLongQuestionGetsAShorterThoughtThatIsStillClosedWithinTheContext() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 7)) {
            int context = model.config().contextLength();
            int[] longPrefix = new int[context - 10];
            Arrays.fill(longPrefix, 'x');
            longPrefix[longPrefix.length - 1] = SOT;
            var decoded = ThoughtDecoder.decode(model, List.of(longPrefix, sums(1).getFirst().thinkingPrefix()),
                    new ThoughtDecoder.Settings(48, 4, 0, 3, false));
            // 10 positions left: the thought, <eot>, 4 answer tokens and <eos> must fit, so the thought gets 4.
            assertThat(decoded.get(0).thought()).hasSize(4);
            assertThat(decoded.get(0).capped()).isTrue();
            assertThat(decoded.get(0).tokens()[4]).isEqualTo(EOT);
            assertThat(decoded.get(1).thought()).hasSize(48);
        }
    }

    @Test
    void thoughtTokensNeverAppearInAnswersEvenFromAModelThatPrefersThem() throws Exception {
        // A tiny model trained to answer with thought markers: after "A:" it writes <sot><eot><sot>...
        var train = new ArrayList<Example>();
        for (int i = 0; i < 64; i++) {
            int[] prompt = TOKENIZER.encode("Q:" + (10 + i) + "=");
            int[] tokens = new int[prompt.length + 9];
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            int at = prompt.length;
            tokens[at++] = SOT;
            tokens[at++] = EOT;
            tokens[at++] = 'A';
            tokens[at++] = ':';
            for (int k = 0; k < 4; k++) {
                tokens[at++] = k % 2 == 0 ? SOT : EOT;
            }
            tokens[at] = SpecialToken.END_OF_TEXT.id();
            train.add(new Example(tokens, prompt.length));
        }
        var run = TrainingRun.builder(TransformerConfig.tiny(), new DatasetSplits(train, List.of(), List.of()))
                .modelName("markers").learningRate(1e-2).warmupSteps(2).batchSize(16).maxSteps(40).evalInterval(1000)
                .grokFast(new GrokFastSettings.Off()).seed(1).build();
        try (var model = new Trainer().run(run, p -> { }, new StopSignal()).model()) {
            int[] prompt = TOKENIZER.encode("Q:12=");
            int[] unmasked = new TextGenerator(model).generate(ThoughtProblem.concat(prompt, new int[] {SOT, EOT}),
                    GenerationSettings.greedy(6));
            assertThat(unmasked).as("the premise: unmasked, the model writes thought markers in its answer")
                    .contains(SOT, EOT);

            var problem = new ThoughtProblem(prompt, TOKENIZER.encode("1"), TOKENIZER.encode("A:1"));
            var without = ThoughtDecoder.decode(model, List.of(problem.prefixWith(new int[0]), problem.thinkingPrefix()),
                    ThoughtDecoder.Settings.greedy(4, 6));
            for (var row : without) {
                assertThat(row.answer()).isNotEmpty();
                assertThat(Arrays.stream(row.answer()).filter(ByteTokenizer::isSpecial).toArray()).isEmpty();
                assertThat(Arrays.stream(row.thought()).filter(ByteTokenizer::isSpecial).toArray()).isEmpty();
            }
            var measured = ThoughtAccuracy.measure(model, List.of(problem), 4, 8, 1);
            for (var answered : measured.answered()) {
                assertThat(Arrays.stream(answered.answer()).filter(ByteTokenizer::isSpecial).toArray()).isEmpty();
            }
        }
    }
}
