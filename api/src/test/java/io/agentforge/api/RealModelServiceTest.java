package io.agentforge.api;

import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API in front of the real Model service, wired as the all-in-one start wires it: the registry over an embedded
 * H2 file and an artifact directory, real engine models, real generation. Training is the test's ledger until the
 * Training service is merged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealModelServiceTest {
    private static final String PROMPT = "2+2=";

    @TempDir
    static Path dir;
    private RealModelService service;
    private ApiClient client;
    private LanguageModel engineModel;
    private String modelId;

    @BeforeAll
    void start() throws Exception {
        service = new RealModelService(dir);
        client = service.client;
        engineModel = LanguageModel.initialize(TransformerConfig.tiny(), 7);
        var modelDir = dir.resolve("tiny");
        ModelExport.save(engineModel, null, modelDir);
        modelId = service.store(modelDir, new NewModel("cognate-tiny", ModelPhase.COGNATE, null,
                Map.of("parameter_count", engineModel.parameterCount()), Map.of("eval_loss", 5.5),
                List.of("model"), List.of()));
    }

    @AfterAll
    void stop() {
        service.close();
        engineModel.close();
    }

    @Test
    void chatRepliesWithTheTextTheStoredModelGenerates() {
        var expected = new TextGenerator(engineModel).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(12));

        var reply = client.post("/chat", "{\"model_id\":\"" + modelId + "\",\"message\":\"" + PROMPT
                + "\",\"context\":{\"max_tokens\":12,\"temperature\":0}}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("response").asText()).isEqualTo(expected);
        assertThat(reply.data().get("model_name").asText()).isEqualTo("cognate-tiny");
        assertThat(reply.data().get("metadata").get("parameter_count").asLong()).isEqualTo(engineModel.parameterCount());
        assertThat(reply.data().get("metadata").get("tokens_per_second").asDouble()).isPositive();
    }

    @Test
    void listsWithASummaryAndDownloadsTheVerifiedArtifact() throws Exception {
        var listing = client.get("/models?phase=cognate");
        var download = client.raw(client.request("/models/" + modelId + "/download").GET());

        assertThat(listing.data().get("summary").get("total_models").asInt()).isEqualTo(1);
        assertThat(listing.data().get("summary").get("total_parameters").asLong()).isEqualTo(engineModel.parameterCount());
        assertThat(download.statusCode()).isEqualTo(200);
        var sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body()));
        assertThat(download.headers().firstValue("X-Checksum-SHA256")).contains(sha);
        assertThat(sha).isEqualTo(service.models.model(modelId).checksum());
    }

    @Test
    void exportsThroughTheApiAndTheZipCarriesTheManifest() throws Exception {
        var export = client.post("/models/export", "{\"model_ids\":[\"" + modelId + "\"],\"compression\":true}");
        var zip = client.raw(client.request(export.data().get("download_url").asText()).GET());

        assertThat(export.status()).isEqualTo(200);
        assertThat(zip.statusCode()).isEqualTo(200);
        var names = new java.util.ArrayList<String>();
        try (var entries = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).contains("export_manifest.json");
    }

    @Test
    void unknownModelAndBadExportAreTheCallersMistakes() {
        var missing = client.get("/models/3f0c5d4e-0000-4000-8000-000000000000");
        var badExport = client.post("/models/export", "{\"model_ids\":[]}");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(badExport.status()).isEqualTo(400);
        assertThat(badExport.data().get("field").asText()).isEqualTo("model_ids");
    }
}
