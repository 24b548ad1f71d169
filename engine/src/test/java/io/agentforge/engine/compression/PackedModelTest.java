package io.agentforge.engine.compression;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.NextTokenLoss;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PackedModelTest {

    /** tiny's shape, written out so that a change of the preset does not move the size figures below. */
    private static final TransformerConfig BITNET = new TransformerConfig(272, 64, 2, 32, 2, 64, true, Quantization.BITNET);
    /** Small enough that every byte of its packed file can be flipped in a test. */
    private static final TransformerConfig MINI = new TransformerConfig(272, 8, 1, 16, 2, 32, true, Quantization.BITNET);
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @Test
    void theUnpackedModelIsTheInMemoryQuantisedModelBitForBit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.afpack");
        try (var model = LanguageModel.initialize(BITNET, 3); var quantised = PackedModel.quantise(model, PackOptions.defaults());
             var exported = Ternarization.ternarize(model); NDManager manager = NDManager.newBaseManager()) {
            PackedModel.write(model, PackOptions.defaults(), file);
            try (var unpacked = PackedModel.read(file)) {
                assertThat(unpacked.config()).isEqualTo(BITNET.withQuantization(Quantization.TERNARY));
                quantised.parameters().forEach((name, array) -> assertThat(bits(unpacked.parameters().get(name).toFloatArray()))
                        .as(name).containsExactly(bits(array.toFloatArray())));
                // The ternary projections are the exported ones exactly (fp32 γ): only embeddings and norms moved.
                assertThat(unpacked.parameters().get("layers.1.attn.qkv.weight").toFloatArray())
                        .containsExactly(exported.parameters().get("layers.1.attn.qkv.weight").toFloatArray());
                assertThat(unpacked.parameters().get("tok_embeddings.weight").toFloatArray())
                        .isNotEqualTo(exported.parameters().get("tok_embeddings.weight").toFloatArray());

                double lossQuantised = NextTokenLoss.of(quantised, texts());
                assertThat(NextTokenLoss.of(unpacked, texts())).isCloseTo(lossQuantised, within(1e-6));
                int[] prompt = TOKENIZER.encode("Q: 12+30=? A:");
                var settings = new GenerationSettings(24, 0, 0, 0, java.util.Set.of());
                assertThat(new TextGenerator(unpacked).generate(prompt, settings))
                        .containsExactly(new TextGenerator(quantised).generate(prompt, settings));
            }
        }
    }

    @Test
    void manifestNamesEachTensorsCodecAndTheSha256OfWhatDecodes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.afpack");
        PackReport report;
        try (var model = LanguageModel.initialize(BITNET, 4)) {
            report = PackedModel.write(model, PackOptions.defaults(), file);
        }
        assertThat(report.tensor("layers.0.mlp.up.weight").codec()).isEqualTo(Codec.TERNARY_BASE3);
        assertThat(report.tensor("layers.0.mlp.up.weight").scaleType()).isEqualTo(ScaleType.FP32);
        assertThat(report.tensor("tok_embeddings.weight").codec()).isEqualTo(Codec.INT8_ROWS);
        assertThat(report.tensor("tok_embeddings.weight").scaleType()).isEqualTo(ScaleType.FP16);
        assertThat(report.tensor("pos_embeddings.weight").codec()).isEqualTo(Codec.INT8_ROWS);
        assertThat(report.tensor("final_norm.weight").codec()).isEqualTo(Codec.FP16);
        assertThat(report.tensor("layers.0.attn.qkv.bias").codec()).isEqualTo(Codec.FP16);
        // 1.6 bits per trit, plus 4 bytes of γ: entropy coding may only shave that.
        assertThat(report.tensor("layers.0.mlp.up.weight").bitsPerWeight()).isBetween(1.0, 1.62);
        assertThat(report.tensor("tok_embeddings.weight").bitsPerWeight()).isBetween(5.0, 8.0 + 16.0 / 32);

        var unpacked = PackedModel.readTensors(file);
        for (var tensor : report.manifest().tensors()) {
            byte[] decoded = PackedModel.floatBytes(unpacked.tensors().get(tensor.name()));
            assertThat(PackedModel.sha256(decoded)).as(tensor.name()).isEqualTo(tensor.sha256());
        }
        var json = new ObjectMapper().readTree(Arrays.copyOfRange(Files.readAllBytes(file), 44, 44 + (int) report.manifestBytes()));
        var first = json.get("tensors").get(0);
        assertThat(first.fieldNames()).toIterable().contains("name", "shape", "codec", "scale_type", "sha256", "streams");
        assertThat(first.get("streams").get(0).fieldNames()).toIterable()
                .contains("role", "offset", "raw_bytes", "stored_bytes", "compression", "sha256");
        assertThat(json.get("config").get("quantization").asText()).isEqualTo("ternary");
    }

    @Test
    void theRatioComesFromTheSizesOfTheFilesOnDisk(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.afpack");
        Path int4File = dir.resolve("model-int4.afpack");
        try (var model = LanguageModel.initialize(BITNET, 5)) {
            ModelExport.save(Ternarization.convert(model, Quantization.NONE), null, dir.resolve("fp32"));
            long input = Files.size(dir.resolve("fp32").resolve(ModelExport.WEIGHTS));
            var report = PackedModel.write(model, PackOptions.defaults(), file);
            var int4 = PackedModel.write(model, PackOptions.int4(), int4File);
            assertThat(report.artifactBytes()).isEqualTo(Files.size(file));
            assertThat(report.ratio(input)).isEqualTo((double) input / Files.size(file));
            // tiny: 40% of its weights are embeddings at int8, the rest trits, and the manifest is a fifth of the file.
            assertThat(report.ratio(input)).isGreaterThan(4.0);
            assertThat(int4.artifactBytes()).isLessThan(report.artifactBytes());
            assertThat(int4.tensor("tok_embeddings.weight").codec()).isEqualTo(Codec.INT4_GROUPS);
            try (var quantised = PackedModel.quantise(model, PackOptions.int4()); var unpacked = PackedModel.read(int4File)) {
                quantised.parameters().forEach((name, array) -> assertThat(bits(unpacked.parameters().get(name).toFloatArray()))
                        .as(name).containsExactly(bits(array.toFloatArray())));
            }
        }
    }

    @Test
    void aFullPrecisionModelPacksItsProjectionsAsInt8() throws IOException {
        try (var model = LanguageModel.initialize(BITNET.withQuantization(Quantization.NONE), 6); var quantised = PackedModel.quantise(model, PackOptions.defaults())) {
            assertThat(quantised.config().quantization()).isEqualTo(Quantization.NONE);
            assertThat(new TreeSet<Float>(asList(quantised.parameters().get("layers.0.attn.out.weight").toFloatArray()))).hasSizeGreaterThan(3);
        }
    }

    @Test
    void aFlippedByteAnywhereInTheFileIsAnErrorNeverADifferentModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mini.afpack");
        PackReport report;
        try (var model = LanguageModel.initialize(MINI, 7)) {
            report = PackedModel.write(model, PackOptions.defaults(), file);
        }
        byte[] good = Files.readAllBytes(file);
        Path damaged = dir.resolve("damaged.afpack");
        // The whole header, every 127th byte after it, and the first and last byte of every stream.
        var positions = new TreeSet<Integer>();
        for (int i = 0; i < good.length; i += i < 44 ? 1 : 127) {
            positions.add(i);
        }
        long payloadStart = 44 + report.manifestBytes();
        for (var tensor : report.manifest().tensors()) {
            for (var stream : tensor.streams()) {
                positions.add((int) (payloadStart + stream.offset()));
                positions.add((int) (payloadStart + stream.offset() + stream.storedBytes() - 1));
            }
        }
        positions.add(good.length - 1);
        for (int i : positions) {
            byte[] bytes = good.clone();
            bytes[i] ^= (byte) (1 << (i % 8));
            Files.write(damaged, bytes);
            int at = i;
            assertThatThrownBy(() -> PackedModel.readTensors(damaged)).as("byte %d of %d", at, good.length)
                    .isInstanceOf(CorruptArtifactException.class);
        }
        Files.write(damaged, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> PackedModel.readTensors(damaged)).isInstanceOf(CorruptArtifactException.class).hasMessageContaining("payload");
        Files.write(damaged, Arrays.copyOf(good, good.length + 1));
        assertThatThrownBy(() -> PackedModel.readTensors(damaged)).isInstanceOf(CorruptArtifactException.class).hasMessageContaining("payload");
        assertThat(PackedModel.readTensors(file).tensors()).hasSize(LanguageModel.parameterShapes(MINI).size());
    }

    @Test
    void aTensorThatDecodesToOtherValuesIsNamedInTheError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mini.afpack");
        try (var model = LanguageModel.initialize(MINI, 8)) {
            PackedModel.write(model, PackOptions.defaults(), file);
        }
        // A wrong tensor hash under a matching manifest hash: only the check of the decoded tensor can object.
        rewriteManifest(file, tensor -> tensor.name().equals("final_norm.weight")
                ? new Manifest.Tensor(tensor.name(), tensor.shape(), tensor.codec(), tensor.scaleType(), tensor.groupSize(), "00".repeat(32), tensor.streams())
                : tensor);
        assertThatThrownBy(() -> PackedModel.read(file)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("final_norm.weight").hasMessageContaining("decoded sha256");
    }

    @Test
    void aManifestThatDoesNotFitItsConfigIsRefusedBeforeAnythingIsDecoded(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mini.afpack");
        try (var model = LanguageModel.initialize(MINI, 9)) {
            PackedModel.write(model, PackOptions.defaults(), file);
        }
        byte[] good = Files.readAllBytes(file);
        // A stream that claims to decode to a billion bytes.
        rewriteManifest(file, tensor -> {
            if (!tensor.name().equals("tok_embeddings.weight")) {
                return tensor;
            }
            var streams = new java.util.ArrayList<>(tensor.streams());
            var values = streams.getFirst();
            streams.set(0, new Manifest.Stream(values.role(), values.offset(), 1_000_000_000, values.storedBytes(), values.compression(), values.sha256()));
            return new Manifest.Tensor(tensor.name(), tensor.shape(), tensor.codec(), tensor.scaleType(), tensor.groupSize(), tensor.sha256(), streams);
        });
        assertThatThrownBy(() -> PackedModel.readTensors(file)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("tok_embeddings.weight").hasMessageContaining("is not what");
        // A tensor whose shape is not the config's.
        Files.write(file, good);
        rewriteManifest(file, tensor -> tensor.name().equals("final_norm.bias")
                ? new Manifest.Tensor(tensor.name(), new long[] {8, 2}, tensor.codec(), tensor.scaleType(), tensor.groupSize(), tensor.sha256(), tensor.streams())
                : tensor);
        assertThatThrownBy(() -> PackedModel.readTensors(file)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("config's parameters");
        // An int8 tensor without its scale type.
        Files.write(file, good);
        rewriteManifest(file, tensor -> tensor.codec() == Codec.INT8_ROWS
                ? new Manifest.Tensor(tensor.name(), tensor.shape(), tensor.codec(), null, tensor.groupSize(), tensor.sha256(), tensor.streams())
                : tensor);
        assertThatThrownBy(() -> PackedModel.readTensors(file)).isInstanceOf(CorruptArtifactException.class);
    }

    /** Rewrites the manifest through {@code change} and puts a matching manifest hash in the header. */
    private static void rewriteManifest(Path file, java.util.function.UnaryOperator<Manifest.Tensor> change) throws IOException {
        var mapper = new ObjectMapper();
        byte[] bytes = Files.readAllBytes(file);
        int manifestLength = ByteBuffer.wrap(bytes, 8, 4).getInt();
        var manifest = mapper.readValue(Arrays.copyOfRange(bytes, 44, 44 + manifestLength), Manifest.class);
        var tensors = manifest.tensors().stream().map(change).toList();
        byte[] json = mapper.writeValueAsBytes(new Manifest(manifest.format(), manifest.config(), tensors));
        int payload = bytes.length - 44 - manifestLength;
        var out = ByteBuffer.allocate(44 + json.length + payload);
        out.put(bytes, 0, 8).putInt(json.length).put(sha256(json)).put(json).put(bytes, 44 + manifestLength, payload);
        Files.write(file, out.array());
    }

    private static byte[] sha256(byte[] bytes) throws IOException {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static List<int[]> texts() {
        return List.of(TOKENIZER.encode("Q: 2+3=? A: 5"), TOKENIZER.encode("the cat sat on the mat"), TOKENIZER.encode("Q: 4+4=? A: 8"));
    }

    private static List<Float> asList(float[] values) {
        var list = new java.util.ArrayList<Float>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
