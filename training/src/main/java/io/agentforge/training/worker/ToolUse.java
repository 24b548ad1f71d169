package io.agentforge.training.worker;

import io.agentforge.engine.data.Example;
import io.agentforge.engine.evaluation.Answers;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.ToolAwareGenerator;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.tools.Calculator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool-use accuracy of a model on the test split's question/answer examples: each question is answered greedily
 * with the calculator running ({@link ToolAwareGenerator}, runtime on), and the answer text outside calls, results
 * and thoughts must equal the reference answer's and end with the end-of-text token. Also how often the model called
 * the tool, and how many of its calls the calculator could run. On data without tool calls it is the accuracy with a
 * tool at hand, which a model that never learnt to call one answers as it would without.
 */
final class ToolUse {
    /** Tokens the model may write beyond the reference answer: room for a call and its result. */
    static final int EXTRA_TOKENS = 16;

    private ToolUse() {
    }

    static Map<String, Object> measure(LanguageModel model, List<Example> test, int limit) {
        InferenceMode.enter();
        var tokenizer = new ByteTokenizer();
        var generator = new ToolAwareGenerator(new Calculator());
        int examples = 0;
        int correct = 0;
        int calling = 0;
        int calls = 0;
        int validCalls = 0;
        for (var example : test) {
            if (examples >= limit) {
                break;
            }
            int[] reference = Answers.finalAnswer(example.answer());
            if (!example.hasAnswer() || reference == null) {
                continue;
            }
            int room = model.config().contextLength() - example.promptLength();
            if (room < 1) {
                continue;
            }
            examples++;
            var settings = ToolAwareGenerator.Settings.of(GenerationSettings.greedy(Math.min(room,
                    example.answer().length + EXTRA_TOKENS)), ToolAwareGenerator.RuntimeMode.NORMAL);
            var answer = generator.generate(model, example.prompt(), settings);
            boolean ended = answer.tokens().length > 0 && answer.tokens()[answer.tokens().length - 1] == SpecialToken.END_OF_TEXT.id();
            if (ended && answer.answer().strip().equals(tokenizer.decodeText(reference).strip())) {
                correct++;
            }
            if (!answer.calls().isEmpty()) {
                calling++;
            }
            calls += answer.calls().size();
            validCalls += (int) answer.calls().stream().filter(c -> c.result() != null && c.result().ok()).count();
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("examples", examples);
        if (examples > 0) {
            out.put("accuracy_with_tool", (double) correct / examples);
            out.put("call_rate", (double) calling / examples);
        }
        out.put("calls", calls);
        if (calls > 0) {
            out.put("call_valid_rate", (double) validCalls / calls);
        }
        return out;
    }
}
