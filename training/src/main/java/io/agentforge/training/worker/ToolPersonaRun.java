package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.PersonaTurns;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.evaluation.ToolUseEvaluation;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.training.TrainingResult;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.training.parameters.PhaseParameters;

import java.nio.file.Files;
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
        var spec = context.spec();
        var parameters = spec.parameters();
        var clock = PhaseClock.start(spec.jobDir());
        var input = QuantizedTraining.input(context.inputs(), "tool-persona");
        var inputConfig = ModelExport.readConfig(input.directory());
        boolean ternary = inputConfig.quantization() != Quantization.NONE;
        var runConfig = ternary ? inputConfig.withQuantization(Quantization.BITNET) : inputConfig;
        var text = QuantizedTraining.data(parameters, inputConfig);
        var data = Mix.of(parameters, text, inputConfig.contextLength());
        int steps = parameters.maxSteps();
        var builder = TrainingRun.builder(runConfig, QuantizedTraining.forTraining(data.splits()))
                .modelName("tool-persona")
                .optimizer(QuantizedTraining.adamW(parameters.learningRate(), 0))
                .quantizationRampSteps(0)
                .grokFast(QuantizedTraining.grokFast(parameters))
                .maxSteps(steps)
                .batchSize(parameters.batchSize())
                .warmupSteps(Math.min(100, steps / 10))
                .evalInterval(parameters.evalInterval())
                .evalBatchSize(QuantizedTraining.EVAL_BATCH)
                .restoreBest(true)
                .seed(parameters.seed());
        var runDir = spec.jobDir().resolve(RUN_DIR);
        var export = runDir.resolve(QuantizedTraining.EXPORT);
        var progress = new QuantizedTraining.SingleRun(context.channel(), steps, "tool/persona fine-tuning");
        if (!Files.isDirectory(export)) {
            var outcome = QuantizedTraining.train(builder, input.directory(), runDir, parameters, progress,
                    context.stop(), (model, result, run, dir) -> {
                        if (result.outcome() == TrainingResult.Outcome.DIVERGED && result.bestStep() == 0) {
                            throw new RunFailure("tool-persona: the loss diverged (NaN or infinite) at step "
                                    + result.stats().totalSteps() + " before any evaluation; lower learning_rate");
                        }
                        try (var output = ternary ? Ternarization.ternarize(model) : null) {
                            ModelExport.save(output == null ? model : output, result.stats(), dir);
                        }
                        var outcomeFile = new LinkedHashMap<String, Object>();
                        outcomeFile.put("best_step", result.bestStep());
                        outcomeFile.put("last_step", result.stats().totalSteps());
                        Files.writeString(dir.resolve(OUTCOME_FILE), Json.write(outcomeFile));
                    });
            if (outcome == null) {
                context.channel().send(new WorkerMessage.Stopped(progress.lastStep()));
                return WorkerMain.EXIT_STOPPED;
            }
        }
        progress.announce(steps);

        var outcome = Json.mapper().readTree(export.resolve(OUTCOME_FILE).toFile());
        var trained = ModelExport.readStats(export);
        var stats = new LinkedHashMap<String, Object>();
        stats.put("phase", "tool-persona");
        stats.put("input_models", List.of(QuantizedTraining.inputModels(input)));
        stats.put("split_hashes", data.splits().hashes());
        stats.put("parameters", parameters.asMap());
        try (var before = ModelExport.load(input.directory()); var after = ModelExport.load(export)) {
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
            stats.put("input_ternary", ternary);
            stats.put("still_ternary", QuantizationReport.of(after).ternary() && after.config().quantization() != Quantization.NONE);
        }
        stats.put("train_mix", data.counts());
        stats.put("best_step", outcome.get("best_step").asLong());
        stats.put("last_step", outcome.get("last_step").asLong());
        stats.put("eval_loss_history", trained.evalLossHistory());
        stats.put("winner_artifact", ARTIFACT);
        stats.put("winner_rule", "the one output: the weights of the best select evaluation");
        stats.put("wall_time_seconds", clock.seconds());
        PhaseClock.writeStats(spec.jobDir(), stats);

        var metrics = new LinkedHashMap<>(CognateRun.numericStats(export));
        for (var key : List.of("accuracy_with_tool", "accuracy_without_tool", "delta_tool", "counterfactual_follow_rate",
                "persona_rate", "text_loss_before", "text_loss_after")) {
            if (stats.get(key) instanceof Double value) {
                metrics.put(key, value);
            }
        }
        metrics.values().removeIf(v -> !Double.isFinite(v));
        var artifactParameters = new LinkedHashMap<String, Object>(parameters.asMap());
        artifactParameters.put("quantization", ternary ? "ternary" : "none");
        artifactParameters.put("input_model_id", input.modelId());
        artifactParameters.put("tools", List.of("calculator"));
        if (metrics.get("parameter_count") != null) {
            artifactParameters.put("parameter_count", metrics.get("parameter_count").longValue());
        }
        var artifact = new WorkerMessage.Artifact(ARTIFACT, "model", export, null, artifactParameters, metrics);
        context.channel().send(new WorkerMessage.Completed((int) outcome.get("last_step").asLong(), List.of(artifact), metrics));
        return WorkerMain.EXIT_COMPLETED;
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
