package io.agentforge.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.engine.compression.PackOptions;
import io.agentforge.engine.compression.PackedModel;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.models.RunningModelService;
import io.agentforge.contracts.models.ModelArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The final compression's packed model stored, downloaded, generating and exported like any other model. */
class CompressedModelTest {
    static final String PROMPT = "12+7=";
    static final String GREEDY = "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":16,\"temperature\":0}";

    @TempDir
    static Path dir;
    static RunningModelService service;
    static LanguageModel quantised;
    static Path packedDir;

    @BeforeAll
    static void packATinyTernaryModel() throws IOException {
        service = RunningModelService.start(dir, null, 50_000_000);
        packedDir = dir.resolve("packed");
        // An untrained model often repeats one byte; the first seed whose greedy text does not lets the chat test
        // tell this model's text from another's.
        for (long seed = 21; quantised == null; seed++) {
            assertThat(seed).as("a seed with a varied greedy text").isLessThan(61);
            try (var model = LanguageModel.initialize(TransformerConfig.tiny().withQuantization(Quantization.BITNET), seed)) {
                var candidate = PackedModel.quantise(model, PackOptions.defaults());
                var tokens = new TextGenerator(candidate).generate(new ByteTokenizer().encode(PROMPT),
                        GenerationSettings.greedy(16));
                if (java.util.Arrays.stream(tokens).distinct().count() < 2) {
                    candidate.close();
                    continue;
                }
                quantised = candidate;
                ModelExport.savePacked(model, PackOptions.defaults(), packedDir);
            }
        }
    }

    @AfterAll
    static void stop() {
        service.close();
        quantised.close();
    }

    @Test
    void chatFromAPackedModelGeneratesWhatTheQuantisedModelGenerates() throws IOException {
        var id = upload("packed", packedDir);
        var tokenizer = new ByteTokenizer();
        // The service answers the generated tokens as text (special tokens left out).
        var expected = tokenizer.decodeText(new TextGenerator(quantised).generate(tokenizer.encode(PROMPT),
                GenerationSettings.greedy(16)));

        var response = service.postJson("/models/" + id + "/generate", GREEDY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var data = Json.read(response.body(), JsonNode.class).get("data");
        assertThat(data.get("text").asText()).isEqualTo(expected).isNotBlank();
        assertThat(data.get("parameter_count").asLong()).isEqualTo(quantised.parameterCount());
    }

    @Test
    void aDownloadIsTheStoredArchiveWithItsChecksumAndAnExportDecodesIt() throws IOException {
        var zip = archive(packedDir);
        var id = upload(zip);

        var download = service.send(HttpRequest.newBuilder(service.uri("/models/" + id + "/download")).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(zip);
        assertThat(download.headers().firstValue("X-Checksum-SHA256")).isPresent();

        var created = service.postJson("/models/export", "{\"model_ids\":[\"" + id + "\"],\"compression\":false}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var export = Json.read(created.body(), JsonNode.class).get("data").get("export");
        var folder = service.storage.resolve(export.get("export_path").asText())
                .resolve(export.get("manifest").get("models").get(0).get("export_path").asText());
        assertThat(folder.resolve(ModelExport.PACKED)).hasSameBinaryContentAs(packedDir.resolve(ModelExport.PACKED));
        // The pytorch export's safetensors are the decoded tensors: exactly the quantised model's.
        Files.delete(folder.resolve(ModelExport.PACKED));
        try (var decoded = ModelExport.load(folder)) {
            for (var name : quantised.parameters().keySet()) {
                assertThat(decoded.parameters().get(name).toFloatArray()).as(name)
                        .containsExactly(quantised.parameters().get(name).toFloatArray());
            }
        }
    }

    @Test
    void aFlippedByteInThePackedWeightsIsA409NeverADifferentModel() throws IOException {
        var corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.copy(packedDir.resolve(ModelExport.CONFIG), corrupt.resolve(ModelExport.CONFIG));
        byte[] bytes = Files.readAllBytes(packedDir.resolve(ModelExport.PACKED));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(corrupt.resolve(ModelExport.PACKED), bytes);
        // Uploaded as is, the archive's own checksum is right: only the packed file's hashes can tell.
        var id = upload("corrupt", corrupt);

        var response = service.postJson("/models/" + id + "/generate", GREEDY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
        var body = Json.read(response.body(), JsonNode.class);
        assertThat(body.get("error").asText()).contains("packed weights are corrupt").contains("sha256")
                .doesNotContain(dir.toString());
        assertThat(body.get("data").get("reason").asText()).isEqualTo("artifact_corrupted");
        var export = service.postJson("/models/export", "{\"model_ids\":[\"" + id + "\"]}");
        assertThat(export.statusCode()).as(export.body()).isEqualTo(409);
    }

    @Test
    void aFlippedByteInTheStoredArtifactFailsDownloadAndChat() throws IOException {
        var id = upload("rotting", packedDir);
        var metadata = Json.read(service.get("/models/" + id).body(), JsonNode.class).get("data");
        var file = service.storage.resolve(metadata.get("file_path").asText());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3] ^= 0x20;
        Files.write(file, bytes);

        var download = service.get("/models/" + id + "/download");
        var chat = service.postJson("/models/" + id + "/generate", GREEDY);

        assertThat(download.statusCode()).isEqualTo(409);
        assertThat(chat.statusCode()).isEqualTo(409);
        assertThat(Json.read(chat.body(), JsonNode.class).get("data").get("reason").asText())
                .isEqualTo("artifact_corrupted");
    }

    private static byte[] archive(Path modelDir) throws IOException {
        try (var in = ModelArchive.packing(modelDir)) {
            return in.readAllBytes();
        }
    }

    private static String upload(String name, Path modelDir) throws IOException {
        return upload(name, archive(modelDir));
    }

    private static String upload(byte[] zip) {
        return upload("packed", zip);
    }

    private static String upload(String name, byte[] zip) {
        var response = service.upload("name=" + name + "-" + System.nanoTime() + "&phase=final-compression", zip);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.read(response.body(), JsonNode.class).get("data").get("model_id").asText();
    }
}
