package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.evaluation.ToolUseEvaluation;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.search.ArchitectureGenome;
import io.agentforge.engine.search.ArchitectureSpace;
import io.agentforge.engine.search.Pareto;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ADAS runner on `tiny` with tiny budgets: the incoming model is a tiny model the test trains and ternarises
 * itself (the phases before need not exist); the search evaluates a handful of small architectures for a few steps
 * each, and the chosen one is distilled for a few steps.
 */
class AdasRunTest {
    private static final TransformerConfig INCOMING = new TransformerConfig(272, 128, 2, 32, 2, 64, true);
    private static final int POPULATION = 3;
    private static final int GENERATIONS = 2;
    private static final long CAP = 120_000;

    @TempDir
    static Path dir;
    static Path incoming;
    static Path job;
    static JsonNode stats;
    static List<String> messages;
    static List<String> stoppedMessages;
    static List<String> loggedBeforeStop;

    static Map<String, Object> adas() {
        var parameters = TinyRunParameters.arithmetic(12, 6);
        parameters.put("population", POPULATION);
        parameters.put("generations", GENERATIONS);
        parameters.put("candidate_steps", 6);
        parameters.put("parameter_cap", CAP);
        parameters.put("latency_runs", 5);
        parameters.put("tool_use_examples", 6);
        return parameters;
    }

    static PhaseParameters parameters(Map<String, Object> parameters) {
        return PhaseParameters.of(new JobRequest(ModelPhase.ADAS, null, parameters, null), dir.resolve("datasets"));
    }

    @BeforeAll
    static void trainATernaryIncomingModelAndSearch() throws Exception {
        var data = QuantizedTraining.data(parameters(adas()), INCOMING);
        var run = TrainingRun.builder(INCOMING, QuantizedTraining.forTraining(data)).modelName("incoming").learningRate(3e-3)
                .warmupSteps(5).batchSize(8).maxSteps(20).evalInterval(20).evalBatchSize(40)
                .grokFast(new GrokFastSettings.Off()).seed(1).build();
        incoming = dir.resolve("incoming");
        try (var fp = new Trainer().run(run, p -> { }, new io.agentforge.engine.training.StopSignal()).model();
             var ternary = Ternarization.ternarize(fp)) {
            ModelExport.save(ternary, null, incoming);
        }
        // Stopped after two evaluations, then started again: the run the tests look at is a resumed one.
        job = dir.resolve("adas-job");
        stoppedMessages = new ArrayList<>();
        int stopped = run(adas(), job, new StopSignal(), stoppedMessages, 2);
        assertThat(stopped).as("adas exit; messages %s", stoppedMessages).isEqualTo(WorkerMain.EXIT_STOPPED);
        loggedBeforeStop = Files.readAllLines(job.resolve(EvaluationLog.FILE));
        messages = new ArrayList<>();
        int exit = run(adas(), job, new StopSignal(), messages, null);
        assertThat(exit).as("adas exit; messages %s", messages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        stats = Json.mapper().readTree(job.resolve(PhaseClock.STATS_FILE).toFile());
    }

    /** Runs the phase; {@code stopAfter}, if set, asks for a stop once that many evaluations were reported. */
    static int run(Map<String, Object> parameters, Path jobDir, StopSignal stop, List<String> messages,
                   Integer stopAfter) throws Exception {
        var spec = new WorkerSpec("job-adas", ModelPhase.ADAS, parameters(parameters), jobDir, 1);
        var model = new InputModel("handoff-1", "model-in-adas", "input", "winner", "not-checked", null, incoming);
        var out = new ByteArrayOutputStream();
        OutputStream watched = new OutputStream() {
            private int evaluations;

            @Override
            public void write(int b) {
                out.write(b);
                if (b == '\n' && stopAfter != null) {
                    var lines = out.toString(StandardCharsets.UTF_8).lines().toList();
                    if (lines.getLast().contains("\"type\":\"progress\"") && lines.getLast().contains("generation")
                            && ++evaluations >= stopAfter) {
                        stop.request();
                    }
                }
            }
        };
        int exit = new AdasRun().run(new PhaseContext(spec, List.of(model), new WorkerChannel(new PrintStream(watched, true,
                StandardCharsets.UTF_8)), stop));
        messages.addAll(out.toString(StandardCharsets.UTF_8).lines().toList());
        return exit;
    }

    private static double[] objectives(JsonNode e) {
        return new double[]{e.get("select_loss").asDouble(), e.get("parameters").asDouble(), e.get("latency_ms").asDouble()};
    }

    @Test
    void writesTheStatsContractWithMeasuredObjectivesThatDifferAcrossConfigs() {
        for (var key : List.of("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds", "evaluations",
                "pareto_front", "hypervolume_history", "spearman_params_loss", "chosen_config", "chosen_test_loss",
                "incoming_test_loss", "noise_floor", "chosen_parameters", "incoming_parameters", "chosen_latency_ms",
                "incoming_latency_ms", "latency_threads", "winner_artifact")) {
            assertThat(stats.has(key)).as(key).isTrue();
        }
        assertThat(stats.get("phase").asText()).isEqualTo("adas");
        assertThat(stats.get("input_models").get(0).get("model_id").asText()).isEqualTo("model-in-adas");
        assertThat(stats.get("parameters").get("candidate_steps").asInt()).isEqualTo(6);
        var evaluations = stats.get("evaluations");
        assertThat(evaluations.size()).isGreaterThanOrEqualTo(POPULATION).isEqualTo(stats.get("evaluation_count").asInt());
        var space = ArchitectureSpace.defaults(272, 128, CAP);
        var losses = new HashSet<Double>();
        var sizes = new HashSet<Long>();
        var latencies = new HashSet<Double>();
        for (var e : evaluations) {
            var genome = Json.mapper().convertValue(e.get("config"), ArchitectureGenome.class);
            assertThat(e.get("parameters").asLong()).as("exact count of %s", genome).isEqualTo(space.parameters(genome))
                    .isLessThanOrEqualTo(CAP);
            assertThat(e.get("latency_runs_ms").size()).isEqualTo(5);
            assertThat(e.get("select_loss").asDouble()).isPositive().isLessThan(Math.log(272) + 1.5);
            assertThat(e.get("measured_by").asText()).endsWith(":" + ProcessHandle.current().pid());
            losses.add(e.get("select_loss").asDouble());
            sizes.add(e.get("parameters").asLong());
            latencies.add(e.get("latency_ms").asDouble());
        }
        // A constant (simulated) objective would collapse these sets to one value.
        assertThat(losses).hasSizeGreaterThan(1);
        assertThat(sizes).hasSizeGreaterThan(1);
        assertThat(latencies).hasSizeGreaterThan(1);
        assertThat(stats.get("hypervolume_history").size()).isEqualTo(GENERATIONS);
        assertThat(stats.get("hypervolume_history").get(1).asDouble())
                .isGreaterThanOrEqualTo(stats.get("hypervolume_history").get(0).asDouble()).isPositive();
        assertThat(messages.getLast()).contains("\"type\":\"completed\"").contains(AdasRun.ARTIFACT);
        assertThat(java.util.stream.Stream.concat(stoppedMessages.stream(), messages.stream())
                .filter(m -> m.contains("\"type\":\"progress\"") && m.contains("generation")).count())
                .as("a progress message per evaluation").isEqualTo(evaluations.size());
    }

    @Test
    void noFrontMemberIsDominatedByAnyEvaluatedPoint() {
        var front = stats.get("pareto_front");
        assertThat(front.size()).isPositive();
        for (var member : front) {
            for (var e : stats.get("evaluations")) {
                assertThat(Pareto.dominates(objectives(e), objectives(member))).as("%s dominates front member %s", e, member)
                        .isFalse();
            }
        }
        // And every evaluation off the front is dominated by one on it.
        for (var e : stats.get("evaluations")) {
            boolean onFront = false;
            boolean dominated = false;
            for (var member : front) {
                onFront |= member.get("config").equals(e.get("config"));
                dominated |= Pareto.dominates(objectives(member), objectives(e));
            }
            assertThat(onFront || dominated).as("%s", e).isTrue();
        }
    }

    @Test
    void theChosenModelIsTernaryTheKneeAndItsReportedParameterCountIsItsReal() throws Exception {
        var export = job.resolve(AdasRun.RUN_DIR).resolve(QuantizedTraining.EXPORT);
        var genome = Json.mapper().convertValue(stats.get("chosen_config"), ArchitectureGenome.class);
        var space = ArchitectureSpace.defaults(272, 128, CAP);
        try (var chosen = ModelExport.load(export)) {
            assertThat(chosen.config()).isEqualTo(space.config(genome, Quantization.TERNARY));
            assertThat(QuantizationReport.of(chosen).distinctValuesMax()).isLessThanOrEqualTo(3);
            long real = chosen.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertThat(stats.get("chosen_parameters").asLong()).isEqualTo(real).isEqualTo(space.parameters(genome));
            // Measured as Tool/Persona measures it, on its held-out problems: the numbers are reproducible.
            var toolUse = ToolUseEvaluation.tools(chosen, new Calculator(), ToolProblems.heldOut(Split.TEST, 6),
                    ToolPersonaRun.TOOL_ANSWER_TOKENS).summary();
            assertThat((int) toolUse.get("problems")).isEqualTo(6);
            assertThat(Json.mapper().convertValue(toolUse, JsonNode.class)).isEqualTo(stats.get("chosen_tool_use"));
            assertThat(stats.get("incoming_tool_use").get("accuracy_with_tool").asDouble()).isBetween(0.0, 1.0);
            assertThat(stats.get("incoming_tool_use").get("accuracy_without_tool").asDouble()).isBetween(0.0, 1.0);
        }
        var front = new ArrayList<double[]>();
        stats.get("pareto_front").forEach(m -> front.add(objectives(m)));
        var knee = stats.get("pareto_front").get(Pareto.knee(front));
        assertThat(knee.get("config")).isEqualTo(stats.get("chosen_config"));
        assertThat(stats.get("still_ternary").asBoolean()).isTrue();
        assertThat(stats.get("chosen_test_loss").asDouble()).isPositive().isLessThan(Math.log(272) + 1);
        assertThat(stats.get("incoming_test_loss").asDouble()).isPositive();
        var noise = stats.get("noise_floor");
        assertThat(noise.get("config")).isEqualTo(stats.get("chosen_config"));
        assertThat(noise.get("rerun_seed").asLong()).isEqualTo(2);
        assertThat(noise.get("select_loss_difference").asDouble())
                .isEqualTo(Math.abs(noise.get("rerun_select_loss").asDouble() - noise.get("select_loss").asDouble()));
    }

    @Test
    void aStoppedSearchResumesFromItsLoggedEvaluationsWithoutRepeatingOne() throws Exception {
        assertThat(stoppedMessages.getLast()).contains("\"type\":\"stopped\"");
        assertThat(loggedBeforeStop).hasSize(2);
        assertThat(messages.getFirst()).contains("\"resumed_from_step\":2");
        var all = Files.readAllLines(job.resolve(EvaluationLog.FILE));
        assertThat(all.subList(0, 2)).isEqualTo(loggedBeforeStop);
        assertThat(all).hasSize(stats.get("evaluation_count").asInt());
        var genomes = new HashSet<JsonNode>();
        for (var line : all) {
            assertThat(genomes.add(Json.mapper().readTree(line).get("config"))).as("evaluated once: %s", line).isTrue();
        }
        var reported = new ArrayList<JsonNode>();
        stats.get("evaluations").forEach(e -> reported.add(e.get("config")));
        assertThat(new HashSet<>(reported)).isEqualTo(genomes);
    }

    @Test
    void aBudgetPicksTheLowestSelectLossWithinItAndABudgetBelowEveryCandidateIsRefused() {
        var a = evaluation(new ArchitectureGenome(1, 64, 2, 2, true), 3.0, 60_000, 1.0);
        var b = evaluation(new ArchitectureGenome(2, 64, 2, 2, true), 2.5, 90_000, 2.0);
        var c = evaluation(new ArchitectureGenome(3, 64, 2, 2, true), 2.0, 120_000, 3.0);
        var all = List.of(a, b, c);
        assertThat(AdasRun.choose(all, all, 100_000)).isEqualTo(b);
        assertThat(AdasRun.choose(all, all, 200_000)).isEqualTo(c);
        assertThatThrownBy(() -> AdasRun.choose(all, all, 50_000)).isInstanceOf(RunFailure.class)
                .hasMessageStartingWith("parameter_budget");
    }

    @Test
    void aParameterCapBelowTheSmallestArchitectureFailsTheRunNamingIt() {
        var parameters = adas();
        parameters.put("parameter_cap", 5_000);
        assertThatThrownBy(() -> run(parameters, dir.resolve("adas-capped"), new StopSignal(), new ArrayList<>(), null))
                .isInstanceOf(RunFailure.class).hasMessageContaining("parameter_cap");
    }

    private static ArchitectureFitness.Evaluation evaluation(ArchitectureGenome genome, double loss, long parameters,
                                                             double latency) {
        return new ArchitectureFitness.Evaluation(0, genome, loss, parameters, latency, List.of(latency), 1, false, "here", 0,
                null);
    }
}
