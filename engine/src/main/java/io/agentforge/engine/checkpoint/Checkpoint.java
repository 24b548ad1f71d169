package io.agentforge.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A checkpoint read back: its header and its arrays, which live in the checkpoint's own manager until it is closed.
 *
 * <p>File layout: the 8 bytes {@code AFCKPT2\n}, a big-endian int with the header's length, the header as JSON, the
 * arrays as safetensors, then the SHA-256 of everything before it (32 bytes), so that a torn or corrupted file is
 * recognised instead of loaded. Files of the first layout ({@code AFCKPT1\n}, no checksum) are still read. Array
 * names: model parameters under their own names (no slash), Adam moments under {@code adam.m/} and {@code adam.v/},
 * GrokFast buffers under {@code grokfast/}.
 *
 * <p>Writing keeps the checkpoint it replaces beside it ({@link #previous}); {@link #readLatest} falls back to that one
 * when the newest is unreadable, so one bad file costs the steps since the previous checkpoint, not the job.
 */
public final class Checkpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final byte[] MAGIC = "AFCKPT2\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_WITHOUT_CHECKSUM = "AFCKPT1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CHECKSUM_LENGTH = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CheckpointHeader header;
    private final NDList arrays;
    private final NDManager manager;

    private Checkpoint(CheckpointHeader header, NDList arrays, NDManager manager) {
        this.header = header;
        this.arrays = arrays;
        this.manager = manager;
    }

    /**
     * Writes atomically: a crash mid-write leaves the previous file at {@code file}. The file it replaces is kept as
     * {@link #previous}. Arrays must be named.
     */
    public static void write(Path file, CheckpointHeader header, NDList arrays) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        AtomicFiles.writeKeepingPrevious(file, previous(file), out -> {
            var digest = sha256();
            var hashed = new DigestOutputStream(out, digest);
            var data = new DataOutputStream(hashed);
            data.write(MAGIC);
            data.writeInt(json.length);
            data.write(json);
            data.flush();
            arrays.encode(hashed, NDList.Encoding.SAFETENSORS);
            hashed.flush();
            out.write(digest.digest());
        });
    }

    /** Where {@link #write} keeps the checkpoint it replaced. */
    public static Path previous(Path file) {
        return file.resolveSibling(file.getFileName() + ".prev");
    }

    /** Whether there is a checkpoint to resume from: the newest, or the one before it. */
    public static boolean exists(Path file) {
        return Files.isRegularFile(file) || Files.isRegularFile(previous(file));
    }

    /**
     * The newest readable checkpoint: {@code file}, or when that is missing, torn or corrupt, the one it replaced.
     *
     * @throws IOException when neither can be read (the newest one's failure, the other's suppressed)
     */
    public static Checkpoint readLatest(Path file) throws IOException {
        try {
            return read(file);
        } catch (IOException | RuntimeException newest) {
            var fallback = previous(file);
            if (!Files.isRegularFile(fallback)) {
                throw newest;
            }
            LOG.warn("checkpoint {} is unreadable ({}); resuming from the previous one", file, newest.toString());
            try {
                return read(fallback);
            } catch (IOException | RuntimeException alsoBroken) {
                newest.addSuppressed(alsoBroken);
                throw newest;
            }
        }
    }

    public static Checkpoint read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 4) {
            throw new IOException("not an Agent Forge checkpoint: " + file);
        }
        int end = bytes.length;
        if (Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            end = bytes.length - CHECKSUM_LENGTH;
            if (end < MAGIC.length + 4) {
                throw new IOException("checkpoint " + file + " is truncated");
            }
            var digest = sha256();
            digest.update(bytes, 0, end);
            if (!MessageDigest.isEqual(digest.digest(), Arrays.copyOfRange(bytes, end, bytes.length))) {
                throw new IOException("checkpoint " + file + " fails its checksum (torn or corrupted)");
            }
        } else if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC_WITHOUT_CHECKSUM, 0, MAGIC.length)) {
            throw new IOException("not an Agent Forge checkpoint: " + file);
        }
        int headerLength = ByteBuffer.wrap(bytes, MAGIC.length, 4).getInt();
        int arraysStart = MAGIC.length + 4 + headerLength;
        if (headerLength < 0 || arraysStart > end) {
            throw new IOException("checkpoint " + file + " has a broken header");
        }
        var header = JSON.readValue(bytes, MAGIC.length + 4, headerLength, CheckpointHeader.class);
        NDManager manager = NDManager.newBaseManager();
        try {
            NDList arrays = NDList.decode(manager, Arrays.copyOfRange(bytes, arraysStart, end));
            return new Checkpoint(header, arrays, manager);
        } catch (RuntimeException | Error e) {
            // A truncated or corrupted file: whatever was decoded before the failure goes with the manager.
            manager.close();
            throw e;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
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
