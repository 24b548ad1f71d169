package io.agentforge.models.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.models.RunningModelService;
import io.agentforge.models.storage.SafeNamesTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The REST routes over real HTTP, against H2 and files in a temporary directory. */
class ModelRoutesTest {
    static final long MAX_FILE_SIZE = 2_000_000;

    @TempDir
    static Path dir;
    static RunningModelService service;

    @BeforeAll
    static void start() {
        service = RunningModelService.start(dir, null, MAX_FILE_SIZE);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void anUploadComesBackByteForByteWithItsChecksumInTheHeaders() throws Exception {
        var bytes = random(1_500_000);
        var created = json(service.upload("name=" + unique("roundtrip") + "&phase=cognate&tags=a,b"
                + "&parameters=" + enc("{\"parameter_count\":1234}") + "&metrics=" + enc("{\"eval_loss\":2.5}"), bytes));
        var model = created.get("data");
        var sha = sha256(bytes);
        assertThat(model.get("checksum").asText()).isEqualTo(sha);
        assertThat(model.get("file_size").asLong()).isEqualTo(bytes.length);
        assertThat(model.get("version").asInt()).isEqualTo(1);
        assertThat(model.get("tags")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(model.get("metrics").get("eval_loss").asDouble()).isEqualTo(2.5);

        var download = service.send(HttpRequest.newBuilder(service.uri("/models/" + id(model) + "/download")).GET(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("X-Checksum-SHA256")).contains(sha);
        assertThat(download.headers().firstValue("Digest"))
                .contains("sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
        assertThat(Files.readAllBytes(service.storage.resolve(model.get("file_path").asText()))).isEqualTo(bytes);
    }

    @Test
    void anUploadOverMaxFileSizeIs413AndLeavesNoFileAndNoRow() {
        var filesBefore = service.artifactFiles();
        var rowsBefore = service.modelRows();

        var response = service.upload("name=" + unique("big") + "&phase=cognate", random((int) MAX_FILE_SIZE + 1));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Json.read(response.body(), JsonNode.class).get("success").asBoolean()).isFalse();
        assertThat(service.artifactFiles()).isEqualTo(filesBefore);
        assertThat(service.modelRows()).isEqualTo(rowsBefore);
    }

    @Test
    void aStreamedUploadOfUndeclaredLengthOverTheLimitLeavesNoFileAndNoRow() {
        var filesBefore = service.artifactFiles();
        var rowsBefore = service.modelRows();
        var bytes = random((int) MAX_FILE_SIZE + 100_000);

        int status;
        try {
            // ofInputStream has no length: the body goes chunked, so only counting while reading can stop it.
            status = service.send(HttpRequest.newBuilder(service.uri("/models?name=" + unique("chunked") + "&phase=adas"))
                    .expectContinue(true).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))))
                    .statusCode();
        } catch (java.io.UncheckedIOException e) {
            status = -1; // the server may close the connection on a body it refuses to read further
        }

        assertThat(status).isEqualTo(413);
        assertThat(service.artifactFiles()).isEqualTo(filesBefore);
        assertThat(service.modelRows()).isEqualTo(rowsBefore);
    }

    @Test
    void aCorruptedArtifactIsRefusedWith409AndNotAByteIsServed() throws IOException {
        var model = json(service.upload("name=" + unique("rot") + "&phase=bitnet", random(10_000))).get("data");
        var file = service.storage.resolve(model.get("file_path").asText());
        var bytes = Files.readAllBytes(file);
        bytes[1234] ^= 0x40;
        Files.write(file, bytes);

        var download = service.get("/models/" + id(model) + "/download");

        assertThat(download.statusCode()).isEqualTo(409);
        var body = Json.read(download.body(), JsonNode.class);
        assertThat(body.get("error").asText()).contains("not served");
        assertThat(body.get("data").get("reason").asText()).isEqualTo("artifact_corrupted");
        assertThat(body.get("data").get("actual_checksum").asText()).isEqualTo(sha256(bytes));
        assertThat(refusedReads()).isPositive();
    }

    @Test
    void metricsCountSavesBytesAndRefusedReads() {
        double refusedBefore = refusedReads();
        var model = json(service.upload("name=" + unique("metered") + "&phase=adas", random(777))).get("data");
        var metrics = service.get("/metrics").body();
        assertThat(metrics).contains("agentforge_models_saved_total").contains("agentforge_models_stored_bytes_total")
                .contains("agentforge_models_loaded_bytes");
        assertThat(metric(metrics, "agentforge_models_saved_total")).isPositive();

        var file = service.storage.resolve(model.get("file_path").asText());
        try {
            Files.write(file, new byte[777]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(service.get("/models/" + id(model) + "/download").statusCode()).isEqualTo(409);
        assertThat(refusedReads()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void metricsCountModelsByPhase() {
        double before = modelsOf("final-compression");

        for (int i = 0; i < 2; i++) {
            var upload = service.upload("name=" + unique("phase-count") + "&phase=final-compression", random(100));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        }

        // The counts are cached for a few seconds; the next read after that sees both.
        await().atMost(Duration.ofSeconds(15)).until(() -> modelsOf("final-compression") >= before + 2);
        assertThat(service.get("/metrics").body()).contains("agentforge_models{phase=\"cognate\"");
    }

    private static double modelsOf(String phase) {
        return service.get("/metrics").body().lines()
                .filter(l -> l.startsWith("agentforge_models{") && l.contains("phase=\"" + phase + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static double refusedReads() {
        return metric(service.get("/metrics").body(), "agentforge_models_artifact_reads_refused_total");
    }

    /** The value of a Prometheus line {@code name{labels} value}. */
    static double metric(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void everyTraversalAttemptIsA400AndTouchesNoFile() {
        var filesBefore = service.artifactFiles();
        var rowsBefore = service.modelRows();
        var statuses = new ArrayList<String>();
        for (var attempt : SafeNamesTest.TRAVERSALS) {
            var encoded = enc(attempt);
            statuses.add(attempt + " name " + service.upload("name=" + encoded + "&phase=cognate", random(10)).statusCode());
            if (!attempt.isEmpty()) { // an empty list parameter means "none", not a name
                statuses.add(attempt + " tag " + service.upload("name=ok&phase=cognate&tags=" + encoded, random(10))
                        .statusCode());
                statuses.add(attempt + " job " + service.upload("name=ok&phase=cognate&training_job_id=" + encoded,
                        random(10)).statusCode());
                statuses.add(attempt + " parent " + service.upload("name=ok&phase=cognate&parent_model_ids=" + encoded,
                        random(10)).statusCode());
                statuses.add(attempt + " list " + service.get("/models?name=" + encoded).statusCode());
                statuses.add(attempt + " export " + service.postJson("/models/export",
                        Json.write(java.util.Map.of("model_ids", List.of(attempt)))).statusCode());
            }
        }
        // Traversal in the path itself, percent-encoded so that it survives the client.
        for (var path : List.of("/models/..%2F..%2Fetc%2Fpasswd", "/models/%2e%2e", "/models/..%5C..%5Cwin.ini",
                "/models/abc%00def", "/models/" + enc("/etc/passwd") + "/download", "/models/exports/..%2F..%2Fx/download",
                "/models/" + enc("../" + UUID.randomUUID()) + "/download")) {
            statuses.add(path + " " + service.get(path).statusCode());
            statuses.add(path + " DELETE " + service.send(HttpRequest.newBuilder(service.uri(path)).DELETE()).statusCode());
        }
        assertThat(statuses).allSatisfy(s -> assertThat(s).endsWith(" 400"));
        assertThat(service.artifactFiles()).isEqualTo(filesBefore);
        assertThat(service.modelRows()).isEqualTo(rowsBefore);
    }

    @Test
    void versionsCountUpPerNameAndListingFiltersAndPages() {
        var name = unique("versions");
        var other = unique("other");
        for (int i = 0; i < 3; i++) {
            assertThat(json(service.upload("name=" + name + "&phase=evomerge&tags=sweep", random(100))).get("data")
                    .get("version").asInt()).isEqualTo(i + 1);
        }
        json(service.upload("name=" + other + "&phase=evomerge", random(100)));

        var page = json(service.get("/models?name=" + name + "&limit=2")).get("data");
        assertThat(page.get("total").asLong()).isEqualTo(3);
        assertThat(page.get("items")).extracting(m -> m.get("version").asInt()).containsExactly(3, 2);
        var next = json(service.get("/models?name=" + name + "&limit=2&offset=2")).get("data");
        assertThat(next.get("items")).extracting(m -> m.get("version").asInt()).containsExactly(1);
        assertThat(json(service.get("/models?phase=evomerge&tag=sweep")).get("data").get("items"))
                .extracting(m -> m.get("name").asText()).contains(name).doesNotContain(other);
        assertThat(json(service.get("/models?phase=forge_training")).get("data").get("total").asLong()).isZero();
        var typo = service.get("/models?phse=cognate");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("phse");
        assertThat(service.get("/models?phase=nonsense").body()).contains("phase").contains("forge-training");
    }

    @Test
    void markingAWinnerUnmarksThePreviousOneOfThatPhase() {
        var first = id(json(service.upload("name=" + unique("w") + "&phase=quietstar", random(10))).get("data"));
        var second = id(json(service.upload("name=" + unique("w") + "&phase=quietstar", random(10))).get("data"));

        assertThat(json(service.postJson("/models/" + first + "/winner", "")).get("data").get("is_winner").asBoolean())
                .isTrue();
        json(service.postJson("/models/" + second + "/winner", ""));

        assertThat(json(service.get("/models/" + first)).get("data").get("is_winner").asBoolean()).isFalse();
        assertThat(json(service.get("/models/" + second)).get("data").get("is_winner").asBoolean()).isTrue();
        var winners = json(service.get("/models?phase=quietstar&is_winner=true")).get("data").get("items");
        assertThat(winners).extracting(JsonNode::toString).hasSize(1);
        assertThat(json(service.get("/models/winners")).get("data"))
                .filteredOn(m -> m.get("phase").asText().equals("quietstar"))
                .extracting(m -> m.get("model_id").asText()).containsExactly(second);
    }

    @Test
    void savesAndHandoffsArePublishedOnTheBus() {
        var events = new CopyOnWriteArrayList<EventEnvelope>();
        try (var ignored = service.bus.subscribe("model_*", events::add)) {
            var model = json(service.upload("name=" + unique("handed") + "&phase=cognate", random(10))).get("data");
            var handoff = json(service.postJson("/models/handoffs",
                    "{\"model_id\":\"" + id(model) + "\",\"to_phase\":\"evomerge\"}")).get("data");
            assertThat(handoff.get("from_phase").asText()).isEqualTo("cognate");
            assertThat(handoff.get("status").asText()).isEqualTo("pending");

            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
            var saved = events.stream().filter(e -> e.event().eventType().equals("model_saved")).findFirst().orElseThrow();
            assertThat(saved.event().data()).containsEntry("model_id", id(model)).containsEntry("version", 1)
                    .containsEntry("phase", "cognate");
            var created = events.stream().filter(e -> e.event().eventType().equals("model_handoff_created"))
                    .findFirst().orElseThrow();
            assertThat(created.event().data()).containsEntry("handoff_id", handoff.get("handoff_id").asText())
                    .containsEntry("to_phase", "evomerge");
            assertThat(json(service.get("/models/handoffs?to_phase=evomerge")).get("data"))
                    .extracting(h -> h.get("handoff_id").asText()).contains(handoff.get("handoff_id").asText());

            // Its lifecycle shows in the model's lineage.
            json(service.postJson("/models/handoffs/" + handoff.get("handoff_id").asText() + "/status",
                    "{\"status\":\"accepted\"}"));
            var lineage = json(service.get("/models/" + id(model) + "/lineage")).get("data");
            assertThat(lineage.get("handoffs").get(0).get("status").asText()).isEqualTo("accepted");
            assertThat(lineage.get("handoffs").get(0).get("to_phase").asText()).isEqualTo("evomerge");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                    .anyMatch(e -> e.event().eventType().equals("model_handoff_updated")));
        }
    }

    @Test
    void lineageRecordsTheParentsOfAMerge() {
        var a = id(json(service.upload("name=" + unique("pa") + "&phase=cognate", random(10))).get("data"));
        var b = id(json(service.upload("name=" + unique("pb") + "&phase=cognate", random(10))).get("data"));
        var merged = id(json(service.upload("name=" + unique("m") + "&phase=evomerge&parent_model_ids=" + a + "," + b,
                random(10))).get("data"));

        var lineage = json(service.get("/models/" + merged + "/lineage")).get("data");
        assertThat(lineage.get("parent_model_ids")).extracting(JsonNode::asText).containsExactly(a, b);
        assertThat(json(service.get("/models/" + a + "/lineage")).get("data").get("child_model_ids"))
                .extracting(JsonNode::asText).containsExactly(merged);

        var unknownParent = UUID.randomUUID().toString();
        var refused = service.upload("name=" + unique("m") + "&phase=evomerge&parent_model_ids=" + unknownParent,
                random(10));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("parent_model_ids").contains(unknownParent);
    }

    @Test
    void deleteRemovesTheArtifactAndTheRow() {
        var model = json(service.upload("name=" + unique("gone") + "&phase=adas", random(10))).get("data");
        var file = service.storage.resolve(model.get("file_path").asText());
        assertThat(file).exists();

        var deleted = service.send(HttpRequest.newBuilder(service.uri("/models/" + id(model))).DELETE());

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
        assertThat(service.get("/models/" + id(model)).statusCode()).isEqualTo(404);
        assertThat(service.get("/models/" + id(model) + "/download").statusCode()).isEqualTo(404);
    }

    @Test
    void exportRefusesAnUnknownFormatOrIdNamingIt() {
        var model = id(json(service.upload("name=" + unique("e") + "&phase=cognate", random(10))).get("data"));
        var unknownId = UUID.randomUUID().toString();

        var badFormat = service.postJson("/models/export", "{\"model_ids\":[\"" + model + "\"],\"export_format\":\"onnx\"}");
        var badId = service.postJson("/models/export", "{\"model_ids\":[\"" + unknownId + "\"]}");
        var none = service.postJson("/models/export", "{\"model_ids\":[]}");

        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(badFormat.body()).contains("export_format").contains("onnx");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("model_ids").contains(unknownId);
        assertThat(none.statusCode()).isEqualTo(400);
    }

    @Test
    void hostileMetadataIsA400NamingTheFieldNotADatabaseFailure() {
        var tooLong = service.upload("name=" + unique("j") + "&phase=cognate&training_job_id=" + "j".repeat(65), random(10));
        var nullParameter = service.upload("name=" + unique("p") + "&phase=cognate&parameters="
                + enc("{\"parameter_count\": null}"), random(10));
        var nullBody = service.postJson("/models/export", "null");
        var hugeCount = service.upload("name=" + unique("p") + "&phase=cognate&parameters="
                + enc("{\"parameter_count\": 9223372036854775807}"), random(10));

        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.body()).contains("training_job_id").contains("1 to 64 characters");
        assertThat(nullParameter.statusCode()).as(nullParameter.body()).isEqualTo(400);
        assertThat(nullParameter.body()).contains("parameters.parameter_count");
        assertThat(nullBody.statusCode()).isEqualTo(400);
        assertThat(hugeCount.statusCode()).isEqualTo(400);
        assertThat(hugeCount.body()).contains("parameters.parameter_count");
        assertThat(service.upload("name=" + unique("j") + "&phase=cognate&training_job_id=" + "j".repeat(64),
                random(10)).statusCode()).isEqualTo(201);
    }

    @Test
    void theJsonRoutesOfTheUploadServerStillTakeAtMostOneMebibyte() {
        var big = service.postJson("/models/export", "{\"model_ids\": [\"" + "x".repeat(1_200_000) + "\"]}");
        assertThat(big.statusCode()).as("the server accepts uploads of %s bytes", MAX_FILE_SIZE).isEqualTo(413);
        assertThat(big.body()).contains("JSON body exceeds the limit of 1048576 bytes");
    }

    static JsonNode json(HttpResponse<String> response) {
        var node = Json.read(response.body(), JsonNode.class);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return node;
    }

    static String id(JsonNode model) {
        return model.get("model_id").asText();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static byte[] random(int n) {
        var bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
