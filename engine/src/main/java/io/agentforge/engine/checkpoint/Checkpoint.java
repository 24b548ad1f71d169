package io.agentforge.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A checkpoint read back: its header and its arrays, which live in the checkpoint's own manager until it is closed.
 *
 * <p>File layout: the 8 bytes {@code AFCKPT1\n}, a big-endian int with the header's length, the header as JSON, then
 * the arrays as safetensors. Array names: model parameters under their own names (no slash), Adam moments under
 * {@code adam.m/} and {@code adam.v/}, GrokFast buffers under {@code grokfast/}.
 */
public final class Checkpoint implements AutoCloseable {

    private static final byte[] MAGIC = "AFCKPT1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CheckpointHeader header;
    private final NDList arrays;
    private final NDManager manager;

    private Checkpoint(CheckpointHeader header, NDList arrays, NDManager manager) {
        this.header = header;
        this.arrays = arrays;
        this.manager = manager;
    }

    /** Writes atomically: a crash mid-write leaves the previous file at {@code file}. Arrays must be named. */
    public static void write(Path file, CheckpointHeader header, NDList arrays) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        AtomicFiles.write(file, out -> {
            var data = new DataOutputStream(out);
            data.write(MAGIC);
            data.writeInt(json.length);
            data.write(json);
            data.flush();
            arrays.encode(out, NDList.Encoding.SAFETENSORS);
        });
    }

    public static Checkpoint read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("not an Agent Forge checkpoint: " + file);
        }
        int headerLength = ByteBuffer.wrap(bytes, MAGIC.length, 4).getInt();
        int arraysStart = MAGIC.length + 4 + headerLength;
        var header = JSON.readValue(bytes, MAGIC.length + 4, headerLength, CheckpointHeader.class);
        NDManager manager = NDManager.newBaseManager();
        try {
            NDList arrays = NDList.decode(manager, Arrays.copyOfRange(bytes, arraysStart, bytes.length));
            return new Checkpoint(header, arrays, manager);
        } catch (RuntimeException | Error e) {
            // A truncated or corrupted file: whatever was decoded before the failure goes with the manager.
            manager.close();
            throw e;
        }
    }

    public CheckpointHeader header() {
        return header;
    }

    /** Arrays whose name starts with {@code prefix} (the model's parameters: {@link #parameters}). */
    public NDList arrays(String prefix) {
        var list = new NDList();
        for (NDArray array : arrays) {
            if (array.getName().startsWith(prefix)) {
                list.add(array);
            }
        }
        return list;
    }

    public NDList parameters() {
        var list = new NDList();
        for (NDArray array : arrays) {
            if (!array.getName().contains("/")) {
                list.add(array);
            }
        }
        return list;
    }

    @Override
    public void close() {
        manager.close();
    }
}
