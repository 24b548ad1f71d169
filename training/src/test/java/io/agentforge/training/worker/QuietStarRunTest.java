package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.training.parameters.PhaseParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The Quiet-STaR runner on {@code tiny} with few steps, from a fresh full-precision model (the phases before it need
 * not exist): Stage A, Stage B, the three accuracies on test and the input model's, and the hand-over.
 */
class QuietStarRunTest {
    @TempDir
    static Path dir;
    static Path input;
    static Path job;
    static JsonNode stats;
    static List<String> messages;
    static List<JsonNode> results;

    private static Map<String, Object> parameters() {
        var parameters = new HashMap<String, Object>();
        parameters.put("model_preset", "tiny");
        parameters.put("max_steps", 20);
        parameters.put("batch_size", 8);
        parameters.put("learning_rate", 3e-3);
        parameters.put("max_train_samples", 400);
        parameters.put("max_eval_samples", 12);
        parameters.put("use_grokfast", false);
        parameters.put("seed", 1);
        parameters.put("reinforce_steps", 3);
        parameters.put("reinforce_batch", 3);
        parameters.put("thoughts_per_question", 2);
        parameters.put("max_thought_tokens", 24);
        return parameters;
    }

    @BeforeAll
    static void runThePhaseOnAFreshTinyModel() throws Exception {
        input = dir.resolve("input");
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 4)) {
            ModelExport.save(model, null, input);
        }
        job = dir.resolve("job");
        messages = new ArrayList<>();
        int exit = run(parameters(), job, input, messages);
        assertThat(exit).as("messages %s", messages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        stats = Json.mapper().readTree(job.resolve(PhaseClock.STATS_FILE).toFile());
        results = new ArrayList<>();
        for (var line : Files.readAllLines(job.resolve(QuietStarRun.TEST_RESULTS))) {
            results.add(Json.mapper().readTree(line));
        }
    }

    private static int run(Map<String, Object> parameters, Path jobDir, Path model, List<String> messages)
            throws Exception {
        return run(parameters, jobDir, model, messages, 0);
    }

    /** Runs the phase; {@code stopAfterStageBStep}, if positive, asks for a stop once that Stage B step reported. */
    private static int run(Map<String, Object> parameters, Path jobDir, Path model, List<String> messages,
                           int stopAfterStageBStep) throws Exception {
        var phaseParameters = PhaseParameters.of(new JobRequest(ModelPhase.QUIETSTAR, null, parameters, null),
                dir.resolve("datasets"));
        var spec = new WorkerSpec("job-quietstar", ModelPhase.QUIETSTAR, phaseParameters, jobDir, 1);
        var handed = new InputModel("handoff-1", "model-in", "evomerge-winner", "winner", "not-checked", null, model);
        var out = new ByteArrayOutputStream();
        var stop = new StopSignal();
        OutputStream watched = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                out.write(b);
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                var text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (stopAfterStageBStep > 0 && text.contains("\"type\":\"progress\"")
                        && text.contains("stage B (REINFORCE on sampled thoughts): step " + stopAfterStageBStep + "\"")) {
                    stop.request();
                }
            }
        };
        try {
            return new QuietStarRun().run(new PhaseContext(spec, List.of(handed),
                    new WorkerChannel(new PrintStream(watched, true, StandardCharsets.UTF_8)), stop));
        } finally {
            messages.addAll(out.toString(StandardCharsets.UTF_8).lines().toList());
        }
    }

    @Test
    void statsHoldTheContractsKeysAndTheDeltasAreTheirDifferences() {
        for (var key : List.of("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds",
                "accuracy_with_thoughts", "accuracy_without_thoughts", "accuracy_scrambled_thoughts",
                "accuracy_input_model", "delta_thought", "delta_content", "reward_history", "winner_artifact")) {
            assertThat(stats.has(key)).as(key).isTrue();
        }
        assertThat(stats.get("phase").asText()).isEqualTo("quietstar");
        assertThat(stats.get("input_models").get(0).get("model_id").asText()).isEqualTo("model-in");
        assertThat(stats.get("stage_a").asText()).contains("supervised scratchpads");
        assertThat(stats.get("stage_a_steps").asInt()).isEqualTo(20);
        double with = stats.get("accuracy_with_thoughts").asDouble();
        assertThat(stats.get("delta_thought").asDouble())
                .isCloseTo(with - stats.get("accuracy_without_thoughts").asDouble(), within(1e-12));
        assertThat(stats.get("delta_content").asDouble())
                .isCloseTo(with - stats.get("accuracy_scrambled_thoughts").asDouble(), within(1e-12));
        assertThat(stats.get("parameters").get("thoughts_per_question").asInt()).isEqualTo(2);
        assertThat(stats.get("parameters").get("reward_clip").asDouble()).isEqualTo(5.0);
    }

    @Test
    void rewardHistoryHasOneMeasuredEntryPerReinforceStepAndEachIsReportedAsProgress() {
        var history = stats.get("reward_history");
        assertThat(history).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(history.get(i).get("step").asInt()).isEqualTo(i + 1);
            // A log-likelihood of the answer: negative and finite.
            assertThat(history.get(i).get("mean_reward").asDouble()).isNegative().isGreaterThan(-1e4);
        }
        assertThat(messages).filteredOn(m -> m.contains("stage B")).hasSize(3)
                .allMatch(m -> m.contains("\"mean_reward\""));
        assertThat(messages.getLast()).contains("\"type\":\"completed\"").contains(QuietStarRun.ARTIFACT);
    }

    @Test
    void reportedAccuraciesAreTheShareOfExactAnswersInTheResultsAndNoAnswerHoldsAThoughtToken() {
        int tests = stats.get("test_examples").asInt();
        assertThat(tests).isEqualTo(12);
        assertThat(results).hasSize(3 * tests);
        for (var condition : List.of("with_thoughts", "without_thoughts", "scrambled_thoughts")) {
            var rows = results.stream().filter(r -> r.get("condition").asText().equals(condition)).toList();
            assertThat(rows).hasSize(tests);
            double share = (double) rows.stream().filter(r -> r.get("correct").asBoolean()).count() / tests;
            assertThat(stats.get("accuracy_" + condition).asDouble()).as(condition).isEqualTo(share);
        }
        for (var row : results) {
            var answer = row.get("answer").asText();
            assertThat(answer).doesNotContain(SpecialToken.THOUGHT_START.marker(), SpecialToken.THOUGHT_END.marker());
            if (row.get("condition").asText().equals("without_thoughts")) {
                assertThat(row.get("thought").asText()).isEmpty();
            }
            // Thoughts stop at the cap.
            assertThat(row.get("thought").asText().length()).isLessThanOrEqualTo(24 * 4);
        }
    }

    @Test
    void theOutputIsAFullPrecisionModelOfTheInputsShapeThatDiffersFromStageA() throws Exception {
        var output = job.resolve(QuietStarRun.STAGE_B).resolve(QuantizedTraining.EXPORT);
        var stageA = job.resolve(QuietStarRun.STAGE_A).resolve(QuantizedTraining.EXPORT);
        try (var out = ModelExport.load(output); var a = ModelExport.load(stageA); var in = ModelExport.load(input)) {
            assertThat(out.config()).isEqualTo(in.config());
            assertThat(out.config().quantization()).isEqualTo(Quantization.NONE);
            var name = "tok_embeddings.weight";
            assertThat(out.parameters().get(name).toFloatArray()).isNotEqualTo(a.parameters().get(name).toFloatArray());
            assertThat(a.parameters().get(name).toFloatArray()).isNotEqualTo(in.parameters().get(name).toFloatArray());
        }
    }

    @Test
    void aJobStoppedInStageBAndResumedEndsWithTheWeightsAndRewardsOfOneThatRanThrough() throws Exception {
        var resumed = dir.resolve("resumed-job");
        // Stage A is an engine run, checkpointed and resumed by the engine: copying the finished one spares its time.
        copyTree(job.resolve(QuietStarRun.STAGE_A), resumed.resolve(QuietStarRun.STAGE_A));
        var first = new ArrayList<String>();
        int exit = run(parameters(), resumed, input, first, 2);
        assertThat(exit).as("messages %s", first).isEqualTo(WorkerMain.EXIT_STOPPED);
        assertThat(first).anyMatch(m -> m.contains("\"type\":\"stopped\""));
        var second = new ArrayList<String>();
        exit = run(parameters(), resumed, input, second, 0);
        assertThat(exit).as("messages %s", second).isEqualTo(WorkerMain.EXIT_COMPLETED);
        // Only the third step ran after the resume.
        assertThat(second).filteredOn(m -> m.contains("stage B")).hasSize(1);

        var resumedStats = Json.mapper().readTree(resumed.resolve(PhaseClock.STATS_FILE).toFile());
        assertThat(resumedStats.get("reward_history")).isEqualTo(stats.get("reward_history"));
        var through = job.resolve(QuietStarRun.STAGE_B).resolve(QuantizedTraining.EXPORT);
        var again = resumed.resolve(QuietStarRun.STAGE_B).resolve(QuantizedTraining.EXPORT);
        try (var a = ModelExport.load(through); var b = ModelExport.load(again)) {
            // Adam's moments and step count came back: a fresh Adam's first update (lr * sign of the gradient)
            // would move every weight by about the learning rate.
            for (var entry : a.parameters().entrySet()) {
                float[] expected = entry.getValue().toFloatArray();
                float[] actual = b.parameters().get(entry.getKey()).toFloatArray();
                double largest = 0;
                for (int i = 0; i < expected.length; i++) {
                    largest = Math.max(largest, Math.abs(expected[i] - actual[i]));
                }
                assertThat(largest).as(entry.getKey()).isLessThan(1e-7);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        try (var paths = Files.walk(from)) {
            for (var path : paths.toList()) {
                Files.copy(path, to.resolve(from.relativize(path).toString()));
            }
        }
    }

    @Test
    void aTernaryInputIsRefusedNamingIt() throws Exception {
        var ternary = dir.resolve("ternary");
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 4); var t = Ternarization.ternarize(model)) {
            ModelExport.save(t, null, ternary);
        }
        assertThatThrownBy(() -> run(parameters(), dir.resolve("ternary-job"), ternary, new ArrayList<>()))
                .isInstanceOf(RunFailure.class).hasMessageContaining("full-precision");
    }
}
