package io.agentforge.api;

import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Split;
import io.agentforge.engine.data.ToolProblems;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat with a model that calls the calculator: a tiny model trained here to write one call is stored, and its chat
 * reply runs the call for real. The model never learned the result (result tokens carry no loss), so the result in
 * {@code metadata.tool_calls} is the calculator's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolChatTest {
    private static final ToolProblems.Problem PROBLEM = new ToolProblems.Problem("What is 347 times 29?", "347*29", "10063", Split.TEST);

    @TempDir
    static Path dir;
    private RealModelService service;
    private String modelId;

    @BeforeAll
    void start() throws Exception {
        service = new RealModelService(dir);
        var example = PROBLEM.example(new ByteTokenizer());
        var data = new DatasetSplits(Collections.nCopies(8, example), List.of(example), List.of());
        var run = TrainingRun.builder(TransformerConfig.tiny(), data).modelName("caller").learningRate(1e-2)
                .warmupSteps(0).minLearningRateRatio(1).batchSize(4).maxSteps(150).evalInterval(150)
                .grokFast(new GrokFastSettings.Off()).seed(3).build();
        var modelDir = dir.resolve("caller");
        try (var model = new Trainer().run(run, p -> { }, new StopSignal()).model()) {
            ModelExport.save(model, null, modelDir);
        }
        modelId = service.store(modelDir, new NewModel("tool-persona-tiny", ModelPhase.TOOL_PERSONA, null, Map.of(),
                Map.of(), List.of("model"), List.of()));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aToolUsingModelsReplyRunsTheCalculatorAndListsTheCallWithItsResult() {
        var reply = service.client.post("/chat", "{\"model_id\":\"" + modelId
                + "\",\"message\":\"Q:What is 347 times 29?\\n\","
                + "\"context\":{\"max_tokens\":24,\"temperature\":0}}");

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        var calls = reply.data().get("metadata").get("tool_calls");
        assertThat(calls).as(reply.text()).hasSize(1);
        assertThat(calls.get(0).get("tool").asText()).isEqualTo("calculator");
        assertThat(calls.get(0).get("call").asText()).isEqualTo("347*29");
        assertThat(calls.get(0).get("result").asText()).isEqualTo("10063");
        assertThat(calls.get(0).get("error").isNull()).isTrue();
        // The reply is the answer outside the call and its result.
        assertThat(reply.data().get("response").asText()).isEqualTo("A:10063");
    }

    @Test
    void aReplyWithoutCallsHasAnEmptyList() {
        var reply = service.client.post("/chat", "{\"model_id\":\"" + modelId + "\",\"message\":\"hello\","
                + "\"context\":{\"max_tokens\":4,\"temperature\":0}}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("metadata").get("tool_calls").isArray()).isTrue();
    }
}
