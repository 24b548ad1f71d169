package io.agentforge.engine.evaluation;

import ai.djl.ndarray.NDManager;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @Test
    void resultTokensCarryZeroLossWeightAndTheCallAndAnswerAreScored() {
        var problem = new ToolProblems.Problem("What is 347 times 29?", "347*29", "10063", Split.TEST);
        Example example = problem.example(TOKENIZER);
        try (NDManager manager = NDManager.newBaseManager()) {
            var batch = Batch.of(List.of(example), 128, manager);
            float[] weights = batch.weights().toFloatArray();
            long[] targets = batch.targets().toLongArray();
            var scored = new StringBuilder();
            var unscored = new StringBuilder();
            for (int t = 0; t < targets.length; t++) {
                var text = TOKENIZER.decode(new int[] {(int) targets[t]});
                (weights[t] == 1f ? scored : unscored).append(text);
            }
            assertThat(scored.toString()).isEqualTo("<|toolcall|>347*29<|endoftoolcall|>A:10063<|endoftext|>");
            assertThat(unscored.toString()).isEqualTo("Q:What is 347 times 29?\n".substring(1) + "<|toolresult|>10063<|endoftoolresult|>");
            assertThat(batch.scoredTokens()).isEqualTo(TOKENIZER.encode("347*29A:10063").length + 3);
        }
    }

    @Test
    void injectedSpansEndAtTheirClosingTokenAndOutsideThemNothingChanges() {
        int r = SpecialToken.TOOL_RESULT.id();
        int e = SpecialToken.TOOL_RESULT_END.id();
        boolean[] injected = Batch.injected(new int[] {1, r, 2, 3, e, 4, r, 5, e, 6});
        assertThat(injected).containsExactly(false, true, true, true, true, false, true, true, true, false);
        assertThat(Batch.injected(new int[] {1, 2, 3})).containsExactly(false, false, false);
    }
}
