package io.agentforge.training.worker;

import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.PersonaTurns;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.evaluation.ToolUseEvaluation;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.training.parameters.PhaseParameters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Tool/Persona phase (PHASES.md section 5): fine-tunes Forge Training's ternary winner, through BitLinear as Forge
 * Training does, on three kinds of sequences: problems beyond the model's arithmetic written with a calculator call
 * and its result ({@link ToolProblems}; the result is the runtime's, so it carries no loss), persona turns behind the
 * persona token ({@link PersonaTurns}), and a share of the phase's {@code dataset} against forgetting. The returned
 * weights are those of the best select evaluation. Then the exported model answers the held-out problems three times
 * with a real calculator (with it, without it, with one that lies) and the held-out persona phrasings
 * ({@link ToolUseEvaluation}); the text loss on the dataset's test split is measured before and after.
 */
public final class ToolPersonaRun implements PhaseRunner {
    static final String RUN_DIR = "tool-persona";
    static final String ARTIFACT = "tool-persona";
    static final String OUTCOME_FILE = "tool_persona_outcome.json";
    /** Tokens the model may write per evaluated answer: a call, an answer, and room to go wrong. */
    static final int TOOL_ANSWER_TOKENS = 40;
    static final int PERSONA_ANSWER_TOKENS = 72;
    // The held-out problems are the same for every run, whatever its seed.
    private static final long EVAL_SEED = 0x700_1L;

    @Override
    public int run(PhaseContext context) throws Exception {
        var training = QuantizedTraining.of(context, "tool-persona");
        var parameters = training.parameters();
        var text = QuantizedTraining.data(parameters, training.inputConfig());
        var data = Mix.of(parameters, text, training.inputConfig().contextLength());
        var builder = training.run(training.continuedConfig(), data.splits(), 0)
                .quantizationRampSteps(0)
                .restoreBest(true);
        var export = training.trained(RUN_DIR, "tool/persona fine-tuning", builder,
                training.bestWeights(OUTCOME_FILE, QuantizedTraining.OutcomeExtra.NONE));
        if (export == null) {
            return WorkerMain.EXIT_STOPPED;
        }

        var outcome = QuantizedTraining.Outcome.read(export, OUTCOME_FILE);
        var stats = training.stats(data.splits().hashes());
        try (var before = ModelExport.load(training.input().directory()); var after = ModelExport.load(export)) {
            var calculator = new Calculator();
            var tools = ToolUseEvaluation.tools(after, calculator, data.testProblems(), TOOL_ANSWER_TOKENS);
            var persona = ToolUseEvaluation.persona(after, calculator, data.testPersona(), PERSONA_ANSWER_TOKENS);
            QuantizedTraining.putIfMeasured(stats, "call_rate", tools.callRate());
            QuantizedTraining.putIfMeasured(stats, "call_valid_rate", tools.callValidRate());
            QuantizedTraining.putIfMeasured(stats, "accuracy_with_tool", tools.accuracyWithTool());
            QuantizedTraining.putIfMeasured(stats, "accuracy_without_tool", tools.accuracyWithoutTool());
            QuantizedTraining.putIfMeasured(stats, "delta_tool", tools.deltaTool());
            QuantizedTraining.putIfMeasured(stats, "counterfactual_follow_rate", tools.counterfactualFollowRate());
            QuantizedTraining.putIfMeasured(stats, "persona_rate", persona.personaRate());
            QuantizedTraining.putIfMeasured(stats, "persona_identity_rate", persona.identityRate());
            QuantizedTraining.putIfMeasured(stats, "text_loss_before", QuantizedTraining.testLoss(before, text.test()));
            QuantizedTraining.putIfMeasured(stats, "text_loss_after", QuantizedTraining.testLoss(after, text.test()));
            stats.put("tool_problems", tools.problems());
            stats.put("counterfactual_problems", tools.counterfactualProblems());
            stats.put("persona_prompts", persona.prompts());
            stats.put("samples", samples(tools, persona, data.testPersona()));
            training.putTernary(stats, after);
        }
        stats.put("train_mix", data.counts());
        QuantizedTraining.putSteps(stats, outcome, export);
        var artifactParameters = new LinkedHashMap<String, Object>();
        artifactParameters.put("quantization", training.outputQuantization());
        artifactParameters.put("tools", List.of("calculator"));
        var winner = new QuantizedTraining.Winner(ARTIFACT, "the one output: the weights of the best select evaluation",
                artifactParameters);
        return training.complete(stats, export, winner, outcome.lastStep(), List.of("accuracy_with_tool",
                "accuracy_without_tool", "delta_tool", "counterfactual_follow_rate", "persona_rate", "text_loss_before",
                "text_loss_after"));
    }

    /** The first few held-out answers, so that a reader sees what the numbers count. */
    private static List<Map<String, Object>> samples(ToolUseEvaluation.ToolReport tools, ToolUseEvaluation.PersonaReport persona,
                                                     List<PersonaTurns.Turn> turns) {
        var samples = new ArrayList<Map<String, Object>>();
        for (var outcome : tools.outcomes().subList(0, Math.min(3, tools.outcomes().size()))) {
            var sample = new LinkedHashMap<String, Object>();
            sample.put("prompt", outcome.problem().prompt());
            sample.put("expected", outcome.problem().answer());
            sample.put("with_tool", outcome.normal().answer());
            sample.put("calls", outcome.normal().calls().stream().map(c -> c.text() + " -> " + c.injected()).toList());
            sample.put("without_tool", outcome.off().answer());
            sample.put("counterfactual", outcome.counterfactual().answer());
            samples.add(sample);
        }
        for (int i = 0; i < Math.min(2, persona.answers().size()); i++) {
            samples.add(Map.of("prompt", "<|persona|>Q:" + turns.get(i).question(), "expected", turns.get(i).answer(),
                    "reply", persona.answers().get(i)));
        }
        return samples;
    }

    /**
     * The phase's data: train mixes tool problems, persona turns and the dataset's text by the phase's shares; select
     * and test hold fixed held-out problems and phrasings and the dataset's own select and test.
     */
    record Mix(DatasetSplits splits, List<ToolProblems.Problem> testProblems, List<PersonaTurns.Turn> testPersona,
               Map<String, Integer> counts) {

        static Mix of(PhaseParameters parameters, DatasetSplits text, int contextLength) {
            var tokenizer = new ByteTokenizer();
            double generalShare = ((Number) parameters.own().get("general_share")).doubleValue();
            double personaShare = ((Number) parameters.own().get("persona_share")).doubleValue();
            int evalProblems = ((Number) parameters.own().get("eval_problems")).intValue();
            int total = parameters.maxTrainSamples();
            int textCount = Math.min(text.train().size(), (int) Math.round(total * generalShare));
            int personaCount = (int) Math.round(total * personaShare);
            int toolCount = Math.max(0, total - textCount - personaCount);
            var random = new Random(parameters.seed());

            var train = new ArrayList<Example>();
            ToolProblems.generate(Split.TRAIN, toolCount, parameters.seed()).forEach(p -> train.add(p.example(tokenizer)));
            var personaTrain = PersonaTurns.of(Split.TRAIN);
            for (int i = 0; i < personaCount; i++) {
                train.add(personaTrain.get(random.nextInt(personaTrain.size())).example(tokenizer));
            }
            train.addAll(text.train().subList(0, textCount));
            Collections.shuffle(train, random);

            int selectProblems = Math.max(1, evalProblems / 2);
            var select = new ArrayList<Example>();
            ToolProblems.generate(Split.SELECT, selectProblems, EVAL_SEED).forEach(p -> select.add(p.example(tokenizer)));
            PersonaTurns.of(Split.SELECT).forEach(t -> select.add(t.example(tokenizer)));
            select.addAll(text.select());

            var testProblems = ToolProblems.generate(Split.TEST, evalProblems, EVAL_SEED);
            var personaTest = PersonaTurns.of(Split.TEST);
            var testPersona = personaTest.subList(0, Math.min(evalProblems, personaTest.size()));
            var test = new ArrayList<Example>();
            testProblems.forEach(p -> test.add(p.example(tokenizer)));
            testPersona.forEach(t -> test.add(t.example(tokenizer)));
            test.addAll(text.test());

            for (var split : List.of(train, select, test)) {
                split.removeIf(e -> e.tokens().length > contextLength + 1);
            }
            var counts = new LinkedHashMap<String, Integer>();
            counts.put("tool", toolCount);
            counts.put("persona", personaCount);
            counts.put("text", textCount);
            return new Mix(new DatasetSplits(train, select, test), testProblems, List.copyOf(testPersona), counts);
        }
    }
}
