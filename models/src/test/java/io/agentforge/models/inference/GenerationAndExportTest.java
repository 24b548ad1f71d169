package io.agentforge.models.inference;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.models.RunningModelService;
import io.agentforge.contracts.models.ModelArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Real engine models stored through HTTP, then generating and exported through HTTP. */
class GenerationAndExportTest {
    static final String PROMPT = "The model says: ";

    @TempDir
    static Path dir;
    static RunningModelService service;
    static LanguageModel first;
    static LanguageModel second;
    static Path firstDir;
    static String firstId;
    static String secondId;

    @BeforeAll
    static void storeTwoTinyModels() throws IOException {
        service = RunningModelService.start(dir, null, 50_000_000);
        first = LanguageModel.initialize(TransformerConfig.tiny(), 11, LanguageModel.Init.TORCH_DEFAULT);
        second = LanguageModel.initialize(TransformerConfig.tiny(), 12, LanguageModel.Init.TORCH_DEFAULT);
        firstDir = dir.resolve("first");
        ModelExport.save(first, null, firstDir);
        ModelExport.save(second, null, dir.resolve("second"));
        firstId = upload("tiny-a", firstDir);
        secondId = upload("tiny-b", dir.resolve("second"));
    }

    @AfterAll
    static void stop() {
        service.close();
        first.close();
        second.close();
    }

    @Test
    void greedyGenerationReturnsExactlyWhatTheEngineGeneratesWithTheStoredModel() {
        var expected = new TextGenerator(first).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(24));

        var generation = generate(firstId, "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":24,\"temperature\":0}");

        assertThat(generation.get("text").asText()).isEqualTo(expected);
        assertThat(generation.get("model_id").asText()).isEqualTo(firstId);
        assertThat(generation.get("prompt_tokens").asInt()).isEqualTo(new ByteTokenizer().encode(PROMPT).length);
        assertThat(generation.get("generated_tokens").asInt()).isBetween(1, 24);
        assertThat(generation.get("parameter_count").asLong()).isEqualTo(first.parameterCount());
        assertThat(generation.get("tokens_per_second").asDouble()).isPositive();
        assertThat(service.registry.isLoaded(firstId)).isTrue();
        assertThat(service.get("/metrics").body()).containsPattern("agentforge_models_generated_tokens_total\\{[^}]*\\} [1-9]")
                .containsPattern("agentforge_models_loaded_bytes\\{[^}]*\\} [1-9]");
        // Served from the cache the second time, with the same result.
        assertThat(generate(firstId, "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":24,\"temperature\":0}")
                .get("text").asText()).isEqualTo(expected);
    }

    @Test
    void aTernaryModelGeneratesWithTheQuantizedArithmeticItsConfigNames() throws IOException {
        try (var ternary = io.agentforge.engine.quantization.Ternarization.ternarize(first);
             var fullPrecisionActivations = io.agentforge.engine.quantization.Ternarization.convert(ternary,
                     io.agentforge.engine.model.Quantization.NONE)) {
            var ternaryDir = dir.resolve("ternary");
            ModelExport.save(ternary, null, ternaryDir);
            assertThat(ModelExport.readConfig(ternaryDir).quantization())
                    .isEqualTo(io.agentforge.engine.model.Quantization.TERNARY);
            var id = upload("tiny-ternary", ternaryDir);
            var expected = new TextGenerator(ternary).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(24));

            var generated = generate(id, "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":24,\"temperature\":0}");

            // The service loads config.json's quantization: ternary weights and int8 activations, as in training.
            assertThat(generated.get("text").asText()).isEqualTo(expected);
            // The same weights with full-precision activations compute other logits.
            try (var manager = NDManager.newBaseManager()) {
                var tokens = manager.create(new long[][] {java.util.Arrays.stream(new ByteTokenizer().encode(PROMPT))
                        .asLongStream().toArray()});
                assertThat(ternary.forward(tokens).toFloatArray())
                        .isNotEqualTo(fullPrecisionActivations.forward(tokens).toFloatArray());
            }
        }
    }

    @Test
    void eachStoredModelGeneratesItsOwnText() {
        var body = "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":16,\"temperature\":0}";
        var expected = new TextGenerator(second).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(16));

        assertThat(generate(secondId, body).get("text").asText()).isEqualTo(expected)
                .isNotEqualTo(generate(firstId, body).get("text").asText());
    }

    @Test
    void concurrentRequestsShareOneLoadedModelAndEachGetsTheEnginesText() throws Exception {
        var body = "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":12,\"temperature\":0}";
        var expected = new TextGenerator(second).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(12));
        var texts = new java.util.concurrent.CopyOnWriteArrayList<String>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                pool.submit(() -> texts.add(generate(secondId, body).get("text").asText()));
            }
        }
        assertThat(texts).hasSize(6).containsOnly(expected);
    }

    @Test
    void aModelThatThinksAnswersWithoutItsThoughtAndReturnsTheThoughtApart() throws IOException {
        // A tiny model taught to think "yes" before it answers "A:yes".
        var tokenizer = new ByteTokenizer();
        var train = new java.util.ArrayList<io.agentforge.engine.data.Example>();
        for (int n = 10; n < 50; n++) {
            train.add(io.agentforge.engine.data.ScratchpadArithmetic.withThought(tokenizer, "Q:" + n + "=", "yes", "A:yes"));
        }
        var run = io.agentforge.engine.training.TrainingRun.builder(TransformerConfig.tiny(),
                        new io.agentforge.engine.data.DatasetSplits(train, java.util.List.of(), java.util.List.of()))
                .modelName("thinker").learningRate(1e-2).warmupSteps(5).batchSize(32).maxSteps(40).evalInterval(1000)
                .grokFast(new io.agentforge.engine.grokfast.GrokFastSettings.Off()).seed(2).build();
        var thinkerDir = dir.resolve("thinker");
        try (var thinker = new io.agentforge.engine.training.Trainer().run(run, p -> { },
                new io.agentforge.engine.training.StopSignal()).model()) {
            ModelExport.save(thinker, null, thinkerDir);
        }
        var id = upload("tiny-thinker", thinkerDir);

        var generation = generate(id, "{\"prompt\":\"Q:42=\",\"max_tokens\":16,\"temperature\":0}");

        assertThat(generation.get("thought").asText()).isEqualTo("yes");
        assertThat(generation.get("text").asText()).isEqualTo("A:yes");
        // A model that does not think has no thought.
        assertThat(generate(firstId, "{\"prompt\":\"Q:42=\",\"max_tokens\":8,\"temperature\":0}").get("thought").isNull())
                .isTrue();
    }

    @Test
    void samplingHonoursTheTokenBudget() {
        var generation = generate(firstId, "{\"prompt\":\"abc\",\"max_tokens\":5,\"temperature\":1.0,\"top_k\":5}");
        assertThat(generation.get("generated_tokens").asInt()).isBetween(1, 5);
    }

    @Test
    void badGenerationParametersAre400NamingThem() {
        for (var bad : new String[][]{{"{\"prompt\":\"\"}", "prompt"}, {"{}", "prompt"},
                {"{\"prompt\":\"x\",\"max_tokens\":0}", "max_tokens"}, {"{\"prompt\":\"x\",\"max_tokens\":100000}", "max_tokens"},
                {"{\"prompt\":\"x\",\"temperature\":-1}", "temperature"}, {"{\"prompt\":\"x\",\"top_k\":-3}", "top_k"}}) {
            var response = service.postJson("/models/" + firstId + "/generate", bad[0]);
            assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(response.body()).as(bad[0]).contains(bad[1]);
        }
        assertThat(service.postJson("/models/" + java.util.UUID.randomUUID() + "/generate", "{\"prompt\":\"x\"}")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aPytorchExportCarriesTheEnginesSafetensorsAndConfigUnchanged() throws IOException {
        var created = service.postJson("/models/export", "{\"model_ids\":[\"" + firstId + "\",\"" + secondId + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var data = Json.read(created.body(), JsonNode.class).get("data");
        assertThat(data.get("export").get("manifest").get("total_models").asInt()).isEqualTo(2);

        var zip = service.send(HttpRequest.newBuilder(service.uri(data.get("download_url").asText())).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);

        var unpacked = Files.createDirectories(dir.resolve("export-" + System.nanoTime()));
        ModelArchive.unpack(new java.io.ByteArrayInputStream(zip.body()), unpacked, "export", 100_000_000);
        var manifest = Json.read(Files.readString(unpacked.resolve("export_manifest.json")), JsonNode.class);
        assertThat(manifest.get("format").asText()).isEqualTo("pytorch");
        var folder = unpacked.resolve(manifest.get("models").get(0).get("export_path").asText());
        assertThat(Files.readAllBytes(folder.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(firstDir.resolve("model.safetensors")));
        assertThat(Files.readString(folder.resolve("config.json"))).isEqualTo(Files.readString(firstDir.resolve("config.json")));
        assertThat(Json.read(Files.readString(folder.resolve("metadata.json")), JsonNode.class).get("model_id").asText())
                .isEqualTo(firstId);
        // Loadable again: the engine reads the exported folder back into a model that generates the same text.
        try (var reloaded = ModelExport.load(folder)) {
            assertThat(new TextGenerator(reloaded).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(8)))
                    .isEqualTo(new TextGenerator(first).generate(new ByteTokenizer(), PROMPT, GenerationSettings.greedy(8)));
        }
    }

    @Test
    void aDjlExportHoldsEveryNamedParameterInDjlsOwnEncoding() throws IOException {
        var created = service.postJson("/models/export",
                "{\"model_ids\":[\"" + firstId + "\"],\"export_format\":\"djl\",\"compression\":false}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var export = Json.read(created.body(), JsonNode.class).get("data").get("export");
        var folder = service.storage.resolve(export.get("export_path").asText())
                .resolve(export.get("manifest").get("models").get(0).get("export_path").asText());

        try (var manager = NDManager.newBaseManager(); var in = Files.newInputStream(folder.resolve("model.ndlist"));
             var reloaded = LanguageModel.fromParameters(TransformerConfig.tiny(), NDList.decode(manager, in))) {
            assertThat(reloaded.parameters().keySet()).isEqualTo(first.parameters().keySet());
            for (var name : first.parameters().keySet()) {
                assertThat(reloaded.parameters().get(name).toFloatArray()).as(name)
                        .containsExactly(first.parameters().get(name).toFloatArray());
            }
        }
    }

    private static JsonNode generate(String id, String body) {
        var response = service.postJson("/models/" + id + "/generate", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.read(response.body(), JsonNode.class).get("data");
    }

    private static String upload(String name, Path modelDir) throws IOException {
        byte[] zip;
        try (var in = ModelArchive.packing(modelDir)) {
            zip = in.readAllBytes();
        }
        var response = service.upload("name=" + name + "-" + System.nanoTime() + "&phase=cognate", zip);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.read(response.body(), JsonNode.class).get("data").get("model_id").asText();
    }
}
