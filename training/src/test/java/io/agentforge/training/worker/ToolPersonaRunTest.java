package io.agentforge.training.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.evaluation.ToolUseEvaluation;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.training.parameters.PhaseParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The Tool/Persona runner on a ternary tiny model, a few steps: what it writes, and that its numbers are measured. */
class ToolPersonaRunTest {

    @TempDir
    static Path dir;
    static Path ternaryDir;
    static Path job;
    static JsonNode stats;
    static List<String> messages = new ArrayList<>();

    private static Map<String, Object> parameters() {
        var parameters = TinyRunParameters.arithmetic(16, 8);
        parameters.put("eval_problems", 2);
        return parameters;
    }

    private static PhaseParameters of(Map<String, Object> parameters) {
        return PhaseParameters.of(new JobRequest(ModelPhase.TOOL_PERSONA, null, parameters, null), dir.resolve("datasets"));
    }

    @BeforeAll
    static void fineTuneATernaryTinyModel() throws Exception {
        ternaryDir = dir.resolve("forge-winner");
        try (var fp = LanguageModel.initialize(TransformerConfig.tiny(), 5); var ternary = Ternarization.ternarize(fp)) {
            ModelExport.save(ternary, null, ternaryDir);
        }
        job = dir.resolve("job");
        var spec = new WorkerSpec("job-tool", ModelPhase.TOOL_PERSONA, of(parameters()), job, 1);
        var input = new InputModel("handoff-1", "forge-winner", "forge", "winner", "not-checked", null, ternaryDir);
        var out = new ByteArrayOutputStream();
        int exit = PhaseRunners.of(ModelPhase.TOOL_PERSONA).orElseThrow().run(new PhaseContext(spec, List.of(input),
                new WorkerChannel(new PrintStream(out, true, StandardCharsets.UTF_8)), new StopSignal()));
        messages.addAll(out.toString(StandardCharsets.UTF_8).lines().toList());
        assertThat(exit).as("messages %s", messages).isEqualTo(WorkerMain.EXIT_COMPLETED);
        stats = Json.mapper().readTree(job.resolve(PhaseClock.STATS_FILE).toFile());
    }

    @Test
    void writesTheContractsKeysAndHandsOnATernaryWinner() throws Exception {
        for (var key : List.of("phase", "input_models", "split_hashes", "parameters", "wall_time_seconds", "call_rate",
                "accuracy_with_tool", "accuracy_without_tool", "delta_tool", "persona_rate", "text_loss_before",
                "text_loss_after", "winner_artifact", "still_ternary", "train_mix", "samples")) {
            assertThat(stats.has(key)).as(key + " in " + stats).isTrue();
        }
        assertThat(stats.get("phase").asText()).isEqualTo("tool-persona");
        assertThat(stats.get("winner_artifact").asText()).isEqualTo(ToolPersonaRun.ARTIFACT);
        assertThat(stats.get("still_ternary").asBoolean()).isTrue();
        assertThat(stats.get("tool_problems").asInt()).isEqualTo(2);
        assertThat(stats.get("persona_prompts").asInt()).isEqualTo(2);
        assertThat(stats.get("parameters").get("general_share").asDouble()).isEqualTo(0.2);
        assertThat(stats.get("train_mix").get("tool").asInt()).isEqualTo(120);
        assertThat(stats.get("train_mix").get("persona").asInt()).isEqualTo(40);
        assertThat(stats.get("delta_tool").asDouble()).isCloseTo(
                stats.get("accuracy_with_tool").asDouble() - stats.get("accuracy_without_tool").asDouble(), within(1e-12));
        assertThat(stats.get("eval_loss_history")).hasSize(2);
        assertThat(messages.getLast()).contains("\"type\":\"completed\"").contains(ToolPersonaRun.ARTIFACT);
        try (var winner = ModelExport.load(job.resolve(ToolPersonaRun.RUN_DIR).resolve("export"))) {
            assertThat(winner.config().quantization()).isEqualTo(Quantization.TERNARY);
            assertThat(QuantizationReport.of(winner).distinctValuesMax()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void theReportedNumbersAreThoseOfTheExportedModelAndTheFineTuningChangedIt() throws Exception {
        var problems = ToolProblems.generate(Split.TEST, 2, 0x700_1L);
        try (var winner = ModelExport.load(job.resolve(ToolPersonaRun.RUN_DIR).resolve("export"));
             var input = ModelExport.load(ternaryDir)) {
            var report = ToolUseEvaluation.tools(winner, new Calculator(), problems, ToolPersonaRun.TOOL_ANSWER_TOKENS);
            assertThat(stats.get("call_rate").asDouble()).isEqualTo(report.callRate());
            assertThat(stats.get("accuracy_with_tool").asDouble()).isEqualTo(report.accuracyWithTool());
            assertThat(stats.get("accuracy_without_tool").asDouble()).isEqualTo(report.accuracyWithoutTool());
            var text = QuantizedTraining.data(of(parameters()), TransformerConfig.tiny());
            assertThat(stats.get("text_loss_before").asDouble()).isCloseTo(QuantizedTraining.testLoss(input, text.test()), within(1e-9));
            assertThat(stats.get("text_loss_after").asDouble()).isCloseTo(QuantizedTraining.testLoss(winner, text.test()), within(1e-9))
                    .isNotCloseTo(stats.get("text_loss_before").asDouble(), within(1e-6));
        }
    }

    @Test
    void sharesOutsideTheirRangeAreRefusedByName() {
        var parameters = parameters();
        parameters.put("persona_share", 0.7);
        assertThatThrownBy(() -> of(parameters)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("persona_share");
        parameters.put("persona_share", 0.2);
        parameters.put("tool_share", 0.5);
        assertThatThrownBy(() -> of(parameters)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("tool_share");
    }
}
