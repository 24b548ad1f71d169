package io.agentforge.training.worker;

import io.agentforge.contracts.Json;
import io.agentforge.engine.merge.MergeSearch.Evaluation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The evaluations of a search job (EvoMerge's merge recipes, ADAS's architectures), one JSON line each, appended and forced to disk as each one finishes:
 * a worker started again (after a crash, a pause) replays the search with them and computes only the rest. A line
 * cut short by a crash mid-write is dropped when the log is opened, so every line that stays is whole.
 */
final class EvaluationLog<T> {
    static final String FILE = "evaluations.jsonl";

    private final Path file;
    private final Class<T> type;

    private EvaluationLog(Path file, Class<T> type) {
        this.file = file;
        this.type = type;
    }

    /** Opens the job's log of merge evaluations (creating nothing yet). */
    static EvaluationLog<Evaluation> open(Path jobDir) {
        return open(jobDir, Evaluation.class);
    }

    /** Opens the job's log of evaluations of this type, one JSON object a line (creating nothing yet). */
    static <T> EvaluationLog<T> open(Path jobDir, Class<T> type) {
        return new EvaluationLog<>(jobDir.resolve(FILE), type);
    }

    /** The evaluations logged so far; a torn last line (the worker died while writing it) is dropped. */
    List<T> read() throws IOException {
        var done = new ArrayList<T>();
        if (!Files.isRegularFile(file)) {
            return done;
        }
        var text = Files.readString(file, StandardCharsets.UTF_8);
        // Only lines that end with their newline were written whole.
        int end = text.lastIndexOf('\n') + 1;
        boolean torn = end < text.length();
        for (var line : text.substring(0, end).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                done.add(Json.mapper().readValue(line, type));
            } catch (IOException e) {
                torn = true;
                break;
            }
        }
        if (torn) {
            rewrite(done);
        }
        return done;
    }

    void append(T evaluation) throws IOException {
        var line = (Json.write(evaluation) + "\n").getBytes(StandardCharsets.UTF_8);
        try (var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            var buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        }
    }

    /** Keeps only the whole lines, replacing the file at once, so that the next line is not appended to a torn one. */
    private void rewrite(List<T> done) throws IOException {
        var temporary = file.resolveSibling(FILE + ".tmp");
        var text = new StringBuilder();
        done.forEach(e -> text.append(Json.write(e)).append('\n'));
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
