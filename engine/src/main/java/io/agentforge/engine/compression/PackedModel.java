package io.agentforge.engine.compression;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentforge.engine.checkpoint.AtomicFiles;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.Ternarization;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressed model container: one file of
 * <pre>
 *   "AFPACK1\n" | manifest length (int32, big-endian) | sha256 of the manifest (32 bytes) | manifest (JSON) | payload
 * </pre>
 * where the payload is every tensor's streams, entropy-coded, at the offsets the {@link Manifest} gives. Reading checks
 * the manifest's hash, every stream's hash before decoding it and every decoded tensor's hash, so that a changed byte
 * anywhere is an error rather than a different model.
 *
 * <p>A {@link Quantization#BITNET} model is ternarised first (its export), so its projections pack as trits.
 * {@link #quantise} gives the model a reader will get, without the file: the "quantised in memory" model.
 */
public final class PackedModel {

    private static final byte[] MAGIC = "AFPACK1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 4 + 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PackedModel() {
    }

    /** What a packed file holds once decoded and verified: the config and each tensor's values, in manifest order. */
    public record Unpacked(TransformerConfig config, Map<String, Shape> shapes, Map<String, float[]> tensors) {

        public LanguageModel toModel() {
            try (NDManager scratch = NDManager.newBaseManager()) {
                var arrays = new NDList();
                tensors.forEach((name, values) -> {
                    var array = scratch.create(values, shapes.get(name));
                    array.setName(name);
                    arrays.add(array);
                });
                return LanguageModel.fromParameters(config, arrays);
            }
        }
    }

    /** One tensor coded: its manifest fields (without the stream placement), its raw streams and what they decode to. */
    private record Coded(String name, long[] shape, Codec codec, ScaleType scaleType, Integer groupSize,
                         Map<String, byte[]> streams, float[] decoded) {
    }

    /** The model a reader of {@link #write}'s file gets, built in memory; the caller closes it. */
    public static LanguageModel quantise(LanguageModel model, PackOptions options) {
        try (LanguageModel prepared = prepare(model)) {
            var tensors = new LinkedHashMap<String, float[]>();
            var shapes = new LinkedHashMap<String, Shape>();
            for (Coded coded : code(prepared, options)) {
                tensors.put(coded.name(), coded.decoded());
                shapes.put(coded.name(), new Shape(coded.shape()));
            }
            return new Unpacked(prepared.config(), shapes, tensors).toModel();
        }
    }

    /** Packs the model into {@code file} (atomically) and describes what was written. */
    public static PackReport write(LanguageModel model, PackOptions options, Path file) throws IOException {
        List<Coded> coded;
        TransformerConfig config;
        try (LanguageModel prepared = prepare(model)) {
            coded = code(prepared, options);
            config = prepared.config();
        }
        var entries = new ArrayList<Manifest.Tensor>();
        var payload = new ArrayList<byte[]>();
        long offset = 0;
        for (Coded c : coded) {
            var streams = new ArrayList<Manifest.Stream>();
            for (var stream : c.streams().entrySet()) {
                var stored = StreamCompression.smallest(stream.getValue());
                streams.add(new Manifest.Stream(stream.getKey(), offset, stream.getValue().length, stored.bytes().length,
                        stored.compression(), sha256(stored.bytes())));
                payload.add(stored.bytes());
                offset += stored.bytes().length;
            }
            entries.add(new Manifest.Tensor(c.name(), c.shape(), c.codec(), c.scaleType(), c.groupSize(),
                    sha256(floatBytes(c.decoded())), streams));
        }
        var manifest = new Manifest(Manifest.FORMAT, config, entries);
        byte[] json = JSON.writeValueAsBytes(manifest);
        AtomicFiles.write(file, out -> {
            var data = new DataOutputStream(out);
            data.write(MAGIC);
            data.writeInt(json.length);
            data.write(sha256Bytes(json));
            data.write(json);
            for (byte[] bytes : payload) {
                data.write(bytes);
            }
            data.flush();
        });
        return new PackReport(Files.size(file), json.length, manifest);
    }

    /** Decodes and verifies {@code file} into a fresh model; the caller closes it. */
    public static LanguageModel read(Path file) throws IOException {
        return readTensors(file).toModel();
    }

    /**
     * Decodes and verifies {@code file}.
     *
     * @throws CorruptArtifactException naming the part that does not match (header, manifest, a stream, a tensor)
     */
    public static Unpacked readTensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptArtifactException(file + ": not a packed Agent Forge model (bad magic)");
        }
        int manifestLength = ByteBuffer.wrap(bytes, MAGIC.length, 4).getInt();
        if (manifestLength < 0 || manifestLength > bytes.length - HEADER) {
            throw new CorruptArtifactException(file + ": manifest length " + manifestLength + " does not fit the file");
        }
        byte[] json = Arrays.copyOfRange(bytes, HEADER, HEADER + manifestLength);
        if (!Arrays.equals(sha256Bytes(json), Arrays.copyOfRange(bytes, MAGIC.length + 4, HEADER))) {
            throw new CorruptArtifactException(file + ": the manifest does not match its sha256");
        }
        Manifest manifest;
        try {
            manifest = JSON.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw new CorruptArtifactException(file + ": unreadable manifest: " + e.getMessage(), e);
        }
        try {
            return verify(file, bytes, manifestLength, manifest);
        } catch (RuntimeException e) {
            // A manifest whose hash matches but whose fields do not fit together (missing, negative, inconsistent).
            throw new CorruptArtifactException(file + ": malformed manifest: " + e, e);
        }
    }

    private static Unpacked verify(Path file, byte[] bytes, int manifestLength, Manifest manifest) throws CorruptArtifactException {
        if (!Manifest.FORMAT.equals(manifest.format())) {
            throw new CorruptArtifactException(file + ": unknown format " + manifest.format());
        }
        int payloadStart = HEADER + manifestLength;
        long payloadLength = bytes.length - payloadStart;
        long expectedPayload = manifest.tensors().stream().mapToLong(Manifest.Tensor::storedBytes).sum();
        if (payloadLength != expectedPayload) {
            throw new CorruptArtifactException(file + ": payload is " + payloadLength + " bytes, the manifest lists " + expectedPayload);
        }
        // Everything the manifest claims is checked against the config before a byte is allocated or decoded.
        var shapes = new LinkedHashMap<String, Shape>();
        for (Manifest.Tensor tensor : manifest.tensors()) {
            if (tensor.name() == null || tensor.shape() == null || tensor.codec() == null || tensor.streams() == null) {
                throw new CorruptArtifactException(file + ": a tensor entry lacks its name, shape, codec or streams");
            }
            shapes.put(tensor.name(), new Shape(tensor.shape()));
        }
        if (!LanguageModel.parameterShapes(manifest.config()).equals(shapes) || shapes.size() != manifest.tensors().size()) {
            throw new CorruptArtifactException(file + ": the tensors do not match the config's parameters");
        }
        var tensors = new LinkedHashMap<String, float[]>();
        for (Manifest.Tensor tensor : manifest.tensors()) {
            tensors.put(tensor.name(), decode(file, bytes, payloadStart, tensor));
        }
        return new Unpacked(manifest.config(), shapes, tensors);
    }

    private static float[] decode(Path file, byte[] bytes, int payloadStart, Manifest.Tensor tensor) throws CorruptArtifactException {
        String where = file + ": tensor " + tensor.name();
        var streams = new LinkedHashMap<String, byte[]>();
        for (Manifest.Stream stream : tensor.streams()) {
            long from = payloadStart + stream.offset();
            if (stream.offset() < 0 || stream.storedBytes() < 0 || from + stream.storedBytes() > bytes.length) {
                throw new CorruptArtifactException(where + ": stream '" + stream.role() + "' lies outside the file");
            }
            long expectedRaw = tensor.codec().rawBytes(stream.role(), tensor.elements(), rows(tensor), tensor.scaleType(), groupSize(tensor));
            if (stream.rawBytes() != expectedRaw || streams.containsKey(stream.role()) || stream.compression() == null) {
                throw new CorruptArtifactException(where + ": stream '" + stream.role() + "' is not what a " + tensor.codec()
                        + " tensor of shape " + Arrays.toString(tensor.shape()) + " has");
            }
            byte[] stored = Arrays.copyOfRange(bytes, (int) from, (int) (from + stream.storedBytes()));
            if (!sha256(stored).equals(stream.sha256())) {
                throw new CorruptArtifactException(where + ": stream '" + stream.role() + "' does not match its sha256");
            }
            try {
                streams.put(stream.role(), stream.compression().decompress(stored, stream.rawBytes()));
            } catch (RuntimeException e) {
                throw new CorruptArtifactException(where + ": stream '" + stream.role() + "': " + e.getMessage(), e);
            }
        }
        float[] values;
        try {
            values = tensor.codec().decode(streams, Math.toIntExact(tensor.elements()), Math.toIntExact(rows(tensor)),
                    tensor.scaleType(), groupSize(tensor));
        } catch (RuntimeException e) {
            throw new CorruptArtifactException(where + ": " + e.getMessage(), e);
        }
        String actual = sha256(floatBytes(values));
        if (!actual.equals(tensor.sha256())) {
            throw new CorruptArtifactException(where + ": decoded sha256 " + actual + " differs from the manifest's " + tensor.sha256());
        }
        return values;
    }

    private static long rows(Manifest.Tensor tensor) {
        return tensor.shape().length == 0 ? 1 : tensor.shape()[0];
    }

    private static int groupSize(Manifest.Tensor tensor) {
        return tensor.groupSize() == null ? 0 : tensor.groupSize();
    }

    private static LanguageModel prepare(LanguageModel model) {
        Quantization mode = model.config().quantization() == Quantization.BITNET ? Quantization.TERNARY : model.config().quantization();
        return Ternarization.convert(model, mode);
    }

    private static List<Coded> code(LanguageModel model, PackOptions options) {
        var coded = new ArrayList<Coded>();
        model.parameters().forEach((name, array) -> {
            float[] values = array.toFloatArray();
            long[] shape = array.getShape().getShape();
            int rows = shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
            Codec codec = options.codecFor(shape.length, values);
            ScaleType scaleType = options.scaleTypeFor(codec);
            Integer groupSize = codec == Codec.INT4_GROUPS ? options.groupSize() : null;
            Map<String, byte[]> streams;
            try {
                streams = codec.encode(values, rows, scaleType, options.groupSize());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            float[] decoded = codec.decode(streams, values.length, rows, scaleType, options.groupSize());
            coded.add(new Coded(name, shape, codec, scaleType, groupSize, streams, decoded));
        });
        return coded;
    }

    static byte[] floatBytes(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Bytes(bytes));
    }

    private static byte[] sha256Bytes(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
