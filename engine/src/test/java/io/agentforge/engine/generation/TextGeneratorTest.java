package io.agentforge.engine.generation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TextGeneratorTest {

    private static LanguageModel model;
    private static final int[] PROMPT = new ByteTokenizer().encode("Ava has 3 apples");

    @BeforeAll
    static void model() {
        model = LanguageModel.initialize(TransformerConfig.tiny(), 11);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void stopsAfterMaxTokens() {
        var settings = new GenerationSettings(7, 0, 0, 0, Set.of());
        assertThat(new TextGenerator(model).generate(PROMPT, settings)).hasSize(7);
    }

    @Test
    void stopsAtAnEndToken() {
        var generator = new TextGenerator(model);
        int[] free = generator.generate(PROMPT, new GenerationSettings(10, 0, 0, 0, Set.of()));
        int third = free[2];
        int firstAt = Arrays.stream(free).boxed().toList().indexOf(third);
        int[] stopped = generator.generate(PROMPT, new GenerationSettings(10, 0, 0, 0, Set.of(third)));
        assertThat(stopped).containsExactly(Arrays.copyOf(free, firstAt + 1));
    }

    @Test
    void greedyIsDeterministicAndMatchesFullRecomputationWithoutTheCache() {
        var generator = new TextGenerator(model);
        int[] first = generator.generate(PROMPT, GenerationSettings.greedy(12));
        assertThat(generator.generate(PROMPT, GenerationSettings.greedy(12))).containsExactly(first);
        assertThat(first).containsExactly(greedyWithoutCache(PROMPT, first.length));
    }

    @Test
    void samplingIsReproducibleWithASeedAndVariesAcrossSeeds() {
        var generator = new TextGenerator(model);
        var a = generator.generate(PROMPT, new GenerationSettings(20, 1.5, 0, 1, Set.of()));
        var b = generator.generate(PROMPT, new GenerationSettings(20, 1.5, 0, 1, Set.of()));
        var c = generator.generate(PROMPT, new GenerationSettings(20, 1.5, 0, 2, Set.of()));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void topKOneIsGreedy() {
        var generator = new TextGenerator(model);
        assertThat(generator.generate(PROMPT, new GenerationSettings(10, 1.0, 1, 3, Set.of())))
                .containsExactly(generator.generate(PROMPT, new GenerationSettings(10, 0, 0, 0, Set.of())));
    }

    @Test
    void topKNeverPicksATokenOutsideTheK() {
        float[] logits = {0f, 5f, 4f, -1f, 3f};
        var settings = new GenerationSettings(1, 5.0, 2, 0, Set.of());
        var random = new java.util.Random(4);
        for (int i = 0; i < 200; i++) {
            assertThat(TextGenerator.pick(logits, settings, random)).isIn(1, 2);
        }
    }

    @Test
    void stopsWhenTheContextIsFull() {
        int context = model.config().contextLength();
        int[] longPrompt = new int[context - 3];
        Arrays.fill(longPrompt, 'a');
        assertThat(new TextGenerator(model).generate(longPrompt, new GenerationSettings(50, 0, 0, 0, Set.of()))).hasSize(4);
    }

    private static int[] greedyWithoutCache(int[] prompt, int count) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + count);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int n = prompt.length; n < sequence.length; n++) {
                long[] ids = Arrays.stream(sequence, 0, n).asLongStream().toArray();
                var logits = model.forward(manager.create(ids, new Shape(1, n)));
                sequence[n] = (int) logits.get(0, n - 1).argMax().getLong();
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }
}
