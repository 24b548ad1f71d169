package io.agentforge.models.storage;

import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.phases.ModelPhase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * Model artifacts under {@code STORAGE_PATH/<phase>/<model_id>/model.zip}.
 *
 * <p>Writes go to a temporary file in the model's own directory (so the final rename never crosses a file system),
 * hashed and size-checked while streaming, fsynced, atomically renamed, and the directory fsynced: a reader sees the
 * whole artifact or none, and a crash leaves at most a {@code .tmp} file or an unreferenced directory, both removed
 * by {@link #sweepOrphans}. Reads hash the whole file before the first byte is handed out; a mismatch is a
 * {@link ConflictException} with {@code reason: artifact_corrupted}, never a stream of bad bytes.
 */
public final class ArtifactStore {
    public static final String ARTIFACT_FILE_NAME = "model.zip";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER = 1 << 20;

    private final Path root;
    private final long maxFileSize;

    public ArtifactStore(Path root, long maxFileSize) {
        if (maxFileSize <= 0) {
            throw new IllegalArgumentException("maxFileSize must be positive: " + maxFileSize);
        }
        this.root = root.toAbsolutePath().normalize();
        this.maxFileSize = maxFileSize;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create STORAGE_PATH " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    /** The relative path an artifact of this model has, whether or not it exists yet. */
    public static String filePath(ModelPhase phase, String modelId) {
        return phase.wireName() + "/" + SafeNames.id("model_id", modelId) + "/" + ARTIFACT_FILE_NAME;
    }

    /**
     * Streams an artifact to disk. On any failure (too large, the stream breaks, the disk fills) nothing of it is
     * left behind.
     *
     * @throws PayloadTooLargeException as soon as more than {@code maxFileSize} bytes were read
     */
    public StoredArtifact write(ModelPhase phase, String modelId, InputStream in) {
        var relative = filePath(phase, modelId);
        var target = SafeNames.within(root, relative);
        var dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, ".upload-", TEMP_SUFFIX);
            var digest = sha256();
            long size = 0;
            try (var out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                var buffer = new byte[BUFFER];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    size += n;
                    if (size > maxFileSize) {
                        throw new PayloadTooLargeException("artifact", maxFileSize);
                    }
                    digest.update(buffer, 0, n);
                    var bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                }
                out.force(true);
            }
            move(temp, target);
            temp = null;
            Directories.fsync(dir);
            Directories.fsync(dir.getParent());
            return new StoredArtifact(relative, size, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the artifact of model " + modelId, e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
                deleteIfEmpty(dir);
            }
        }
    }

    /**
     * Opens an artifact after proving that its bytes still hash to the stored checksum. The stream is served from the
     * same open file that was hashed.
     *
     * @throws ConflictException when the file is missing, has another size, or another checksum
     */
    public InputStream openVerified(ModelPhase phase, String modelId, long expectedSize, String expectedSha256) {
        var path = SafeNames.within(root, filePath(phase, modelId));
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw corrupted(modelId, "artifact_missing", "the artifact file is missing", expectedSha256, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the artifact of model " + modelId, e);
        }
        try {
            var size = channel.size();
            if (size != expectedSize) {
                throw corrupted(modelId, "artifact_corrupted",
                        "the artifact has " + size + " bytes, " + expectedSize + " were stored", expectedSha256, null);
            }
            var actual = hash(channel);
            if (!actual.equals(expectedSha256)) {
                throw corrupted(modelId, "artifact_corrupted", "the artifact's sha256 does not match the stored checksum",
                        expectedSha256, actual);
            }
            channel.position(0);
            return Channels.newInputStream(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read the artifact of model " + modelId, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Removes the model's directory and everything in it; a missing directory is not an error. */
    public void delete(ModelPhase phase, String modelId) {
        var dir = SafeNames.within(root, filePath(phase, modelId)).getParent();
        Directories.deleteRecursively(dir);
    }

    /**
     * Removes what a crash may have left: temporary files, and model directories whose id {@code isKnown} rejects.
     * Only entries older than {@code grace} are touched, so a save in flight in another process (its artifact renamed,
     * its row not yet committed) is left alone. Directories that are not phases (e.g. exports) are not looked into.
     *
     * @return the directories and files removed
     */
    public List<Path> sweepOrphans(Predicate<String> isKnown, Duration grace) {
        var removed = new ArrayList<Path>();
        var cutoff = Instant.now().minus(grace);
        for (var phase : ModelPhase.values()) {
            var phaseDir = root.resolve(phase.wireName());
            if (!Files.isDirectory(phaseDir)) {
                continue;
            }
            try (var models = Files.list(phaseDir)) {
                for (var dir : models.toList()) {
                    var id = dir.getFileName().toString();
                    if (!Files.isDirectory(dir) || !isUuid(id) || !isKnown.test(id)) {
                        // A long upload keeps touching its temp file: the directory counts as abandoned only when
                        // nothing in it changed within the grace period.
                        if (olderThan(dir, cutoff) && quietSince(dir, cutoff)) {
                            Directories.deleteRecursively(dir);
                            removed.add(dir);
                        }
                        continue;
                    }
                    try (var files = Files.list(dir)) {
                        for (var file : files.toList()) {
                            if (file.getFileName().toString().endsWith(TEMP_SUFFIX) && olderThan(file, cutoff)) {
                                deleteQuietly(file);
                                removed.add(file);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sweep " + phaseDir, e);
            }
        }
        return removed;
    }

    /** Whether the store can take a new artifact now: the root is a writable directory. */
    public boolean isWritable() {
        return Files.isDirectory(root) && Files.isWritable(root);
    }

    private static String hash(FileChannel channel) throws IOException {
        var digest = sha256();
        var buffer = ByteBuffer.allocate(BUFFER);
        channel.position(0);
        while (channel.read(buffer) != -1) {
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static ConflictException corrupted(String modelId, String reason, String what, String expected,
                                               String actual) {
        var details = new LinkedHashMap<String, Object>();
        details.put("reason", reason);
        details.put("model_id", modelId);
        details.put("expected_checksum", expected);
        if (actual != null) {
            details.put("actual_checksum", actual);
        }
        return new ConflictException("artifact of model " + modelId + " is not served: " + what, details);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the storage file system cannot rename atomically: " + to.getParent(), e);
        }
    }

    private static boolean olderThan(Path path, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean quietSince(Path dir, Instant cutoff) {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (var files = Files.list(dir)) {
            return files.allMatch(f -> olderThan(f, cutoff));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isUuid(String id) {
        try {
            SafeNames.id("model_id", id);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the sweep at the next start removes it
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // not empty (another artifact) or already gone
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
