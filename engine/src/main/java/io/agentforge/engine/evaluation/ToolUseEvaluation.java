package io.agentforge.engine.evaluation;

import io.agentforge.engine.data.PersonaTurns;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.ModelTokenSource;
import io.agentforge.engine.generation.TokenSource;
import io.agentforge.engine.generation.ToolAwareGenerator;
import io.agentforge.engine.generation.ToolAwareGenerator.Answer;
import io.agentforge.engine.generation.ToolAwareGenerator.RuntimeMode;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tools.ToolRuntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures tool use and persona by greedy generation with a real runtime (PHASES.md section 5.4). Every problem is
 * answered three times by the same model, through one {@link TokenSource} supplier: with the runtime
 * ({@link RuntimeMode#NORMAL}), without it ({@link RuntimeMode#OFF}: no result is injected, the model must answer on
 * its own) and with a lying runtime ({@link RuntimeMode#COUNTERFACTUAL}: the result plus one). A model that reads the
 * tool answers well with it, badly without it, and follows the lie.
 *
 * <p>An answer is the text after the last {@code A:} outside calls and results, so that a model without the runtime
 * that writes its own guess of a result and then answers is judged by its answer alone.
 */
public final class ToolUseEvaluation {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    private ToolUseEvaluation() {
    }

    /** One problem answered in the three modes. */
    public record Outcome(ToolProblems.Problem problem, Answer normal, Answer off, Answer counterfactual) {

        public boolean called() {
            return !normal.calls().isEmpty();
        }

        /** The first call ran and its value is the problem's. */
        public boolean callValid() {
            var first = normal.calls().isEmpty() ? null : normal.calls().getFirst();
            return first != null && first.executed() && first.result().ok() && first.result().output().equals(problem.value());
        }

        public boolean rightWithTool() {
            return problem.answer().equals(finalAnswer(normal.answer()));
        }

        public boolean rightWithoutTool() {
            return problem.answer().equals(finalAnswer(off.answer()));
        }

        /** Whether the lying runtime gave a value to follow: a call ran and returned a number. */
        public boolean misled() {
            return counterfactual.calls().stream().anyMatch(c -> c.executed() && c.result().ok());
        }

        /** The answer is the last injected (wrong) value. */
        public boolean followed() {
            var injected = counterfactual.calls().stream().filter(c -> c.executed() && c.result().ok())
                    .reduce((a, b) -> b).map(ToolAwareGenerator.ToolCall::injected);
            return injected.isPresent() && ("A:" + injected.get()).equals(finalAnswer(counterfactual.answer()));
        }
    }

    /**
     * The tool proof numbers over a set of problems; a rate whose denominator is empty is NaN (not measured).
     *
     * @param callValidRate            of the problems with a call, the share whose first call computed the problem's value
     * @param counterfactualFollowRate of the problems where the lying runtime injected a value, the share answered with it
     */
    public record ToolReport(int problems, double callRate, double callValidRate, double accuracyWithTool,
                             double accuracyWithoutTool, double counterfactualFollowRate, int counterfactualProblems,
                             List<Outcome> outcomes) {

        public double deltaTool() {
            return accuracyWithTool - accuracyWithoutTool;
        }

        /** The counts and the rates that were measured (a NaN rate, whose denominator was empty, is left out). */
        public Map<String, Object> summary() {
            var out = new LinkedHashMap<String, Object>();
            out.put("problems", problems);
            putIfMeasured(out, "call_rate", callRate);
            putIfMeasured(out, "call_valid_rate", callValidRate);
            putIfMeasured(out, "accuracy_with_tool", accuracyWithTool);
            putIfMeasured(out, "accuracy_without_tool", accuracyWithoutTool);
            putIfMeasured(out, "delta_tool", deltaTool());
            putIfMeasured(out, "counterfactual_follow_rate", counterfactualFollowRate);
            out.put("counterfactual_problems", counterfactualProblems);
            return out;
        }

        private static void putIfMeasured(Map<String, Object> out, String key, double value) {
            if (Double.isFinite(value)) {
                out.put(key, value);
            }
        }
    }

    /** @param identityRate of the identity questions, the share answered with the persona's exact identity */
    public record PersonaReport(int prompts, double personaRate, double identityRate, List<String> answers) {
    }

    public static ToolReport tools(LanguageModel model, ToolRuntime runtime, List<ToolProblems.Problem> problems, int maxNewTokens) {
        return tools(() -> new ModelTokenSource(model), runtime, problems, maxNewTokens);
    }

    public static ToolReport tools(Supplier<TokenSource> model, ToolRuntime runtime, List<ToolProblems.Problem> problems,
                                   int maxNewTokens) {
        var generator = new ToolAwareGenerator(runtime);
        var outcomes = new ArrayList<Outcome>(problems.size());
        for (var problem : problems) {
            int[] prompt = TOKENIZER.encode(problem.prompt());
            outcomes.add(new Outcome(problem,
                    answer(generator, model, prompt, RuntimeMode.NORMAL, maxNewTokens),
                    answer(generator, model, prompt, RuntimeMode.OFF, maxNewTokens),
                    answer(generator, model, prompt, RuntimeMode.COUNTERFACTUAL, maxNewTokens)));
        }
        int called = count(outcomes, Outcome::called);
        int misled = count(outcomes, Outcome::misled);
        return new ToolReport(outcomes.size(),
                share(called, outcomes.size()),
                share(count(outcomes, Outcome::callValid), called),
                share(count(outcomes, Outcome::rightWithTool), outcomes.size()),
                share(count(outcomes, Outcome::rightWithoutTool), outcomes.size()),
                share(count(outcomes, o -> o.misled() && o.followed()), misled),
                misled,
                List.copyOf(outcomes));
    }

    public static PersonaReport persona(LanguageModel model, ToolRuntime runtime, List<PersonaTurns.Turn> turns, int maxNewTokens) {
        return persona(() -> new ModelTokenSource(model), runtime, turns, maxNewTokens);
    }

    public static PersonaReport persona(Supplier<TokenSource> model, ToolRuntime runtime, List<PersonaTurns.Turn> turns,
                                        int maxNewTokens) {
        var generator = new ToolAwareGenerator(runtime);
        var answers = new ArrayList<String>(turns.size());
        int inPersona = 0;
        int identities = 0;
        int identified = 0;
        for (var turn : turns) {
            String answer = answer(generator, model, turn.prompt(TOKENIZER), RuntimeMode.NORMAL, maxNewTokens).answer().strip();
            answers.add(answer);
            if (PersonaTurns.inPersona(answer)) {
                inPersona++;
            }
            if (turn.identity()) {
                identities++;
                if (answer.equals(turn.answer())) {
                    identified++;
                }
            }
        }
        return new PersonaReport(turns.size(), share(inPersona, turns.size()), share(identified, identities), List.copyOf(answers));
    }

    /** The text from the last {@code A:} on, stripped; the whole stripped text when there is none. */
    static String finalAnswer(String text) {
        int at = text.lastIndexOf("A:");
        return (at < 0 ? text : text.substring(at)).strip();
    }

    private static Answer answer(ToolAwareGenerator generator, Supplier<TokenSource> model, int[] prompt, RuntimeMode mode,
                                 int maxNewTokens) {
        try (var source = model.get()) {
            return generator.generate(source, prompt, ToolAwareGenerator.Settings.of(GenerationSettings.greedy(maxNewTokens), mode));
        }
    }

    private static int count(List<Outcome> outcomes, java.util.function.Predicate<Outcome> test) {
        return (int) outcomes.stream().filter(test).count();
    }

    private static double share(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
