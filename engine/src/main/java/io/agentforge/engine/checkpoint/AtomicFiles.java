package io.agentforge.engine.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old content or the complete new one, never a torn one: write a temporary file
 * beside it, force it to disk, rename it over the target, then force the directory so that the rename itself survives.
 */
public final class AtomicFiles {

    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, null);
    }

    /**
     * Like {@link #write(Path, Writer)}, but the file being replaced is kept as {@code previous} (renamed, so also
     * atomically), for readers that fall back to it when the new one turns out unreadable.
     */
    public static void writeKeepingPrevious(Path target, Path previous, Writer writer) throws IOException {
        write(target, writer, previous);
    }

    private static void write(Path target, Writer writer, Path previous) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // A name of its own per write: two writers of one target (two workers on one job directory, a stale one and
        // its successor) must never write into the same temporary file and rename a mix of both.
        Path temporary = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            if (previous != null && Files.isRegularFile(target)) {
                try {
                    Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException e) {
                    // Another writer of the same target moved it aside between the check and the move: the previous
                    // file is a whole one either way, and this write's rename below still lands whole.
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory for sync; the rename is still atomic there.
        }
    }
}
