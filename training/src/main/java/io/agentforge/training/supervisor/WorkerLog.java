package io.agentforge.training.supervisor;

import io.agentforge.training.worker.WorkerSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * A worker's log: its stderr, one file per attempt in the job directory ({@code worker-<attempt>.log}). The tail goes
 * into a failed job's error message, so that the reason is readable without shell access to the machine.
 */
public final class WorkerLog {
    private static final Pattern NAME = Pattern.compile("worker-(\\d+)\\.log");
    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 16_384;

    private WorkerLog() {
    }

    static Path of(WorkerSpec spec) {
        return spec.jobDir().resolve("worker-" + spec.attempt() + ".log");
    }

    /** The last lines of a log, decoded leniently (a crash can cut a character); empty when there is none. */
    public static String tail(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            try (var channel = Files.newByteChannel(log)) {
                long size = channel.size();
                channel.position(Math.max(0, size - TAIL_BYTES));
                var buffer = ByteBuffer.allocate((int) Math.min(size, TAIL_BYTES));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    continue;
                }
                var lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines().toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
            }
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The tail of the latest attempt's log in a job directory, e.g. of a job whose instance died. */
    public static String latestTail(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return "";
        }
        try (var files = Files.list(jobDir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparingInt(WorkerLog::attempt))
                    .map(WorkerLog::tail).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static int attempt(Path log) {
        var matcher = NAME.matcher(log.getFileName().toString());
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }

}
