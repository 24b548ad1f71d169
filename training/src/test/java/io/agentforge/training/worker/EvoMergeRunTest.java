package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.merge.MergeGenome;
import io.agentforge.engine.merge.MergeSearch;
import io.agentforge.engine.merge.ModelMerge;
import io.agentforge.engine.merge.Tensor;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.training.parameters.PhaseParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The EvoMerge runner on tiny models made here (an ancestor and three perturbed copies), without the job system:
 * stopping between evaluations and resuming from the evaluation log, the fitness of untrained weights, and the test
 * comparison that reports a worse winner as such.
 */
class EvoMergeRunTest {

    @TempDir
    Path dir;

    @Test
    void aResumedRunComputesOnlyTheEvaluationsTheStoppedOneHadNotFinished() throws Exception {
        var inputs = models(dir.resolve("inputs"));
        var spec = new WorkerSpec("job-1", ModelPhase.EVOMERGE, parameters(), dir.resolve("job"), 1, inputs);

        var stop = new StopSignal();
        var first = new Capture(2, stop);
        int exit = new EvoMergeRun(first.channel()).run(new PhaseContext(spec, inputs, first.channel(), stop));

        assertThat(exit).isEqualTo(WorkerMain.EXIT_STOPPED);
        assertThat(first.of("progress")).hasSize(2);
        assertThat(first.of("stopped").getFirst().get("step").asInt()).isEqualTo(2);
        var logged = Files.readAllLines(spec.jobDir().resolve(EvaluationLog.FILE));
        assertThat(logged).hasSize(2);
        assertThat(spec.jobDir().resolve("phase_stats.json")).doesNotExist();

        var again = new Capture(Integer.MAX_VALUE, null);
        exit = new EvoMergeRun(again.channel()).run(new PhaseContext(spec, inputs, again.channel(), new StopSignal()));

        assertThat(exit).isEqualTo(WorkerMain.EXIT_COMPLETED);
        assertThat(again.of("started").getFirst().get("resumed_from_step").asInt()).isEqualTo(2);
        var stats = Json.mapper().readTree(spec.jobDir().resolve("phase_stats.json").toFile());
        int evaluations = stats.get("evaluation_count").asInt();
        // Generation 0 alone holds four distinct merges: the three parents and their soup.
        assertThat(evaluations).isGreaterThanOrEqualTo(4);
        assertThat(again.of("progress")).hasSize(evaluations - 2);
        assertThat(again.of("progress").getFirst().get("step").asInt()).isEqualTo(3);
        for (int i = 0; i < 2; i++) {
            var before = Json.mapper().readTree(logged.get(i));
            assertThat(stats.get("evaluations").get(i).get("genome")).isEqualTo(before.get("genome"));
            assertThat(stats.get("evaluations").get(i).get("fitness").asDouble()).isEqualTo(before.get("fitness").asDouble());
        }
        assertThat(Files.readAllLines(spec.jobDir().resolve(EvaluationLog.FILE))).hasSize(evaluations);

        double bestOfHistory = -Double.MAX_VALUE;
        for (var generation : stats.get("fitness_history")) {
            bestOfHistory = Math.max(bestOfHistory, generation.get("best").asDouble());
        }
        assertThat(stats.get("winner_fitness").asDouble()).isEqualTo(bestOfHistory);
        assertThat(stats.get("winner_select_loss").asDouble()).isEqualTo(-bestOfHistory);
        var winner = again.of("completed").getFirst().get("artifacts").get(0);
        assertThat(winner.get("name").asText()).isEqualTo(EvoMergeRun.WINNER);
        var lineage = new ArrayList<String>();
        winner.get("parent_model_ids").forEach(id -> lineage.add(id.asText()));
        assertThat(lineage).containsExactlyInAnyOrderElementsOf(inputs.stream().map(InputModel::modelId).toList());
        assertThat(winner.get("parameters").get("merge_genome")).isEqualTo(stats.get("winner_genome"));
        assertThat(ModelExport.load(Path.of(java.net.URI.create(winner.get("directory").asText()))).config())
                .isEqualTo(TransformerConfig.preset("tiny"));
    }

    @Test
    void theFitnessOfUntrainedWeightsIsAboutMinusLnOfTheVocabulary() throws Exception {
        var config = TransformerConfig.preset("tiny");
        var select = EngineTrainer.data(parameters(), config.contextLength(), 0, Curriculum.Mix.BALANCED).select();
        var random = new ArrayList<LanguageModel>();
        for (long seed = 1; seed <= 4; seed++) {
            random.add(LanguageModel.initialize(config, seed));
        }
        MergeFitness fitness;
        try {
            fitness = new MergeFitness(random.subList(0, 3), random.get(3));
        } finally {
            random.forEach(LanguageModel::close);
        }

        double value = -fitness.loss(MergeGenome.parent(0, 3), "select", select, 2048);

        assertThat(value).isCloseTo(-Math.log(config.vocabSize()), within(0.3));
    }

    @Test
    void aWinnerWorseThanItsBestParentOnTestIsReportedWithANegativeDelta() {
        var comparison = EvoMergeRun.testComparison(2.5, List.of(2.4, 2.2, 2.3));

        assertThat(comparison).containsEntry("best_parent_index", 1).containsEntry("best_parent_test_loss", 2.2)
                .containsEntry("winner_beats_best_parent", false);
        assertThat((double) comparison.get("delta_best")).isCloseTo(-0.3, within(1e-12));
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheNextOneStartsOnItsOwnLine() throws Exception {
        var log = EvaluationLog.open(dir);
        var first = new MergeSearch.Evaluation(0, 0, MergeGenome.parent(0, 3), -5.5);
        log.append(first);
        Files.writeString(dir.resolve(EvaluationLog.FILE), "{\"generation\":0,\"cand", java.nio.file.StandardOpenOption.APPEND);

        assertThat(log.read()).containsExactly(first);
        var second = new MergeSearch.Evaluation(0, 1, MergeGenome.parent(1, 3), -5.4);
        log.append(second);
        assertThat(log.read()).containsExactly(first, second);
    }

    private static PhaseParameters parameters() {
        var values = new LinkedHashMap<String, Object>(Map.of("generations", 2, "population", 4, "fitness_tokens", 512,
                "model_preset", "tiny", "max_train_samples", 50, "max_eval_samples", 20));
        return PhaseParameters.of(new JobRequest(ModelPhase.EVOMERGE, null, values, null),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** An ancestor and three copies of it, each moved by its own noise: three parents that share their ancestor. */
    private static List<InputModel> models(Path dir) throws Exception {
        var config = TransformerConfig.preset("tiny");
        var inputs = new ArrayList<InputModel>();
        try (var ancestor = LanguageModel.initialize(config, 11)) {
            var base = ModelMerge.tensorsOf(ancestor);
            var ancestorDir = dir.resolve("ancestor");
            ModelExport.save(ancestor, null, ancestorDir);
            for (int i = 0; i < 3; i++) {
                var random = new Random(100 + i);
                var moved = new LinkedHashMap<String, Tensor>();
                base.forEach((name, tensor) -> {
                    var values = tensor.values().clone();
                    for (int k = 0; k < values.length; k++) {
                        values[k] += (float) (0.02 * random.nextGaussian());
                    }
                    moved.put(name, new Tensor(tensor.shape(), values));
                });
                var parentDir = dir.resolve("parent-" + i);
                try (var parent = ModelMerge.toModel(config, moved)) {
                    ModelExport.save(parent, null, parentDir);
                }
                inputs.add(new InputModel("handoff-" + i, "model-" + i, "cognate-seed" + i, "model", "sum-" + i,
                        null, parentDir));
            }
            inputs.add(new InputModel("handoff-a", "model-a", "cognate-ancestor", "ancestor", "sum-a", null,
                    ancestorDir));
        }
        return inputs;
    }

    /** The protocol lines a run sends; asks for the stop right after the {@code stopAfter}-th progress line. */
    private static final class Capture {
        private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final WorkerChannel channel;

        Capture(int stopAfter, StopSignal stop) {
            this.channel = new WorkerChannel(new PrintStream(new ByteArrayOutputStream()) {
                @Override
                public void println(String line) {
                    try {
                        var message = Json.mapper().readTree(line);
                        messages.add(message);
                        if (stop != null && of("progress").size() == stopAfter) {
                            stop.request();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }

        WorkerChannel channel() {
            return channel;
        }

        List<JsonNode> of(String type) {
            return messages.stream().filter(m -> type.equals(m.get("type").asText())).toList();
        }
    }
}
