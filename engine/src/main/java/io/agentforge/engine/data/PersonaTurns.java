package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.List;

/**
 * Persona turns: behind the {@code <|persona|>} token the model speaks as Forge, with a fixed identity and a fixed
 * style, the {@link #SIGNATURE} that opens every reply. Two kinds: questions about who it is (answered with
 * {@link #IDENTITY}) and the short questions of {@link ShortAnswers} (answered in the persona's style). Written
 * {@code <|persona|>Q:<question>\n} then {@code A:Forge here. <reply><eos>}.
 *
 * <p>Identity questions are split by their core phrasing, each said with a few openers ("Hi! ", "Quick question: "),
 * so the test phrasings are words the model never saw in training; short questions by the question.
 */
public final class PersonaTurns {

    /** What every persona reply begins with. */
    public static final String SIGNATURE = "Forge here.";
    public static final String IDENTITY = "I am Forge, a ternary model with a calculator.";

    private static final String[] OPENERS = {"", "Hi! ", "Hello, ", "Hey. ", "Quick question: "};
    private static final String[] TRAIN_PHRASINGS = {"Who are you?", "What is your name?", "What are you?",
            "Introduce yourself.", "Tell me about yourself.", "What do you call yourself?", "Are you a person?",
            "Who am I talking to?", "Can you tell me your name?", "What should I call you?"};
    private static final String[] SELECT_PHRASINGS = {"Describe yourself.", "Who is this?"};
    private static final String[] TEST_PHRASINGS = {"Tell me who you are.", "What is your name, please?",
            "Say who you are.", "What kind of thing are you?", "Who are you, exactly?"};

    private PersonaTurns() {
    }

    /**
     * @param reply what follows the signature
     */
    public record Turn(String question, String reply, boolean identity) {

        /** The prompt a model is given: the persona token, the question and a new line. */
        public int[] prompt(ByteTokenizer tokenizer) {
            int[] text = tokenizer.encode("Q:" + question + "\n");
            int[] prompt = new int[text.length + 1];
            prompt[0] = SpecialToken.PERSONA_START.id();
            System.arraycopy(text, 0, prompt, 1, text.length);
            return prompt;
        }

        /** The answer text a model in persona gives. */
        public String answer() {
            return "A:" + SIGNATURE + " " + reply;
        }

        public Example example(ByteTokenizer tokenizer) {
            int[] prompt = prompt(tokenizer);
            int[] answer = tokenizer.encode(answer());
            int[] tokens = new int[prompt.length + answer.length + 1];
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            System.arraycopy(answer, 0, tokens, prompt.length, answer.length);
            tokens[tokens.length - 1] = SpecialToken.END_OF_TEXT.id();
            return new Example(tokens, prompt.length);
        }
    }

    /** Every turn of a split: identity questions first (each phrasing with each opener), then short questions. */
    public static List<Turn> of(Split split) {
        var turns = new ArrayList<Turn>();
        String[] phrasings = switch (split) {
            case TRAIN -> TRAIN_PHRASINGS;
            case SELECT -> SELECT_PHRASINGS;
            case TEST -> TEST_PHRASINGS;
        };
        for (String phrasing : phrasings) {
            for (String opener : OPENERS) {
                turns.add(new Turn(opener + phrasing, IDENTITY, true));
            }
        }
        for (var pair : ShortAnswers.pairs()) {
            if (Split.of("persona:" + pair.question()) == split) {
                turns.add(new Turn(pair.question(), pair.answer() + ".", false));
            }
        }
        return turns;
    }

    /** Whether a generated answer text is in persona: it opens with the signature. */
    public static boolean inPersona(String answer) {
        return answer.strip().startsWith("A:" + SIGNATURE);
    }
}
