package io.agentforge.contracts.models;

import io.agentforge.contracts.errors.ConflictException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The artifact format of a model, what {@link ModelService#save} takes: the engine's model directory
 * ({@code config.json}, the safetensors weights, {@code training_stats.json}) as one zip, so that one checksum covers
 * the whole model and one streamed upload carries it. Training packs, the Model service unpacks. Unpacking refuses
 * entries that would land outside the target (zip-slip) and archives that expand beyond a limit. Entries are the
 * directory's regular files, by relative path with forward slashes, in sorted order, so the same directory always
 * gives the same entries.
 */
public final class ModelArchive {
    private static final int BUFFER = 1 << 16;
    /** A model directory holds a handful of files; a zip of a million empty entries is an attack on the inodes. */
    public static final int MAX_ENTRIES = 10_000;

    private ModelArchive() {
    }

    /** Writes the zip of {@code dir} to {@code out} (not closed). */
    public static void pack(Path dir, OutputStream out) {
        try (var files = Files.walk(dir)) {
            var zip = new ZipOutputStream(out);
            // Weights are float noise to a compressor: the fastest level costs little and saves little, but keeps
            // config and stats small.
            zip.setLevel(Deflater.BEST_SPEED);
            for (var file : files.filter(Files::isRegularFile).sorted().toList()) {
                var entry = new ZipEntry(dir.relativize(file).toString().replace('\\', '/'));
                zip.putNextEntry(entry);
                Files.copy(file, zip);
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + dir, e);
        }
    }

    /**
     * The zip of {@code dir} as a stream, packed on a virtual thread while the caller reads, so a model of any size
     * goes to {@link ModelService#save} without a temporary file. A packing failure
     * surfaces as an {@link IOException} from {@code read}.
     */
    public static InputStream packing(Path dir) {
        var in = new PipedInputStream(BUFFER);
        PipedOutputStream out;
        try {
            out = new PipedOutputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("pack-" + dir.getFileName()).start(() -> {
            try (out) {
                pack(dir, out);
            } catch (IOException | UncheckedIOException e) {
                // The reader sees the pipe break ("write end dead") and fails its save; nothing more to do here.
            }
        });
        return in;
    }

    /**
     * Unpacks a model archive into {@code target}, which must exist and be empty.
     *
     * @param modelId      for error messages
     * @param maxExpanded  the most bytes the entries may expand to
     * @throws ConflictException when the artifact is no zip, or an entry's name would escape {@code target}, or the
     *                           entries expand beyond {@code maxExpanded}, are more than {@link #MAX_ENTRIES}, or
     *                           conflict (the same file twice, a file where another entry needs a directory)
     */
    public static void unpack(InputStream artifact, Path target, String modelId, long maxExpanded) {
        var root = target.toAbsolutePath().normalize();
        long expanded = 0;
        int entries = 0;
        try {
            var zip = new ZipInputStream(artifact);
            ZipEntry entry;
            var buffer = new byte[BUFFER];
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw notAModel(modelId, "it has more than " + MAX_ENTRIES + " entries");
                }
                var file = resolveEntry(root, entry.getName(), modelId);
                try {
                    if (entry.isDirectory()) {
                        Files.createDirectories(file);
                        continue;
                    }
                    Files.createDirectories(file.getParent());
                    // CREATE_NEW: a second entry of the same name must not silently replace the first.
                    try (var out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        int n;
                        while ((n = zip.read(buffer)) != -1) {
                            expanded += n;
                            if (expanded > maxExpanded) {
                                throw notAModel(modelId, "its entries expand beyond " + maxExpanded + " bytes");
                            }
                            out.write(buffer, 0, n);
                        }
                    }
                } catch (FileSystemException conflict) {
                    // "a" then "a/b", "a/" then "a", or "a" twice: the archive cannot be one directory.
                    throw notAModel(modelId, "entry \"" + entry.getName() + "\" conflicts with an earlier entry");
                }
            }
        } catch (ZipException e) {
            throw notAModel(modelId, "it is not a valid zip (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the artifact of model " + modelId, e);
        }
        if (entries == 0) {
            throw notAModel(modelId, "it is not a zip of a model directory (no entries)");
        }
    }

    private static Path resolveEntry(Path root, String name, String modelId) {
        var bad = name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0 || name.startsWith("/")
                || name.matches("^[A-Za-z]:.*");
        if (!bad) {
            for (var segment : name.split("/")) {
                if (segment.equals("..")) {
                    bad = true;
                    break;
                }
            }
        }
        var resolved = bad ? null : root.resolve(name).normalize();
        if (resolved == null || !resolved.startsWith(root) || resolved.equals(root)) {
            throw notAModel(modelId, "entry \"" + name + "\" would be written outside the model directory");
        }
        return resolved;
    }

    /** The 409 for an artifact that exists and is intact but is not a usable model archive. */
    public static ConflictException notAModel(String modelId, String why) {
        return new ConflictException("artifact of model " + modelId + " is not a usable model archive: " + why,
                Map.of("reason", "artifact_not_a_model", "model_id", modelId));
    }
}
