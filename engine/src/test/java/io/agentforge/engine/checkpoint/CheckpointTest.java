package io.agentforge.engine.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad checkpoint costs the steps since the one before it, never the job (issue 18): each file carries a SHA-256, a
 * corrupt or torn newest file is refused and the previous one is read instead, and two writers of one checkpoint
 * (two workers on one job directory) each write their own temporary file, so the file is always one of theirs whole.
 */
class CheckpointTest {
    @TempDir
    Path dir;

    private static CheckpointHeader header(long step) {
        return new CheckpointHeader("model", TransformerConfig.tiny(), step, 42, 0, 0, step, 0, Double.NaN, 0, 0,
                List.of(), List.of(), List.of(), 0, 0, 0);
    }

    private static void write(Path file, long step, float value) throws IOException {
        try (var manager = NDManager.newBaseManager()) {
            var weights = manager.full(new ai.djl.ndarray.types.Shape(64, 64), value);
            weights.setName("weights");
            Checkpoint.write(file, header(step), new NDList(weights));
        }
    }

    private static long stepOf(Path file) throws IOException {
        try (var checkpoint = Checkpoint.readLatest(file)) {
            return checkpoint.header().step();
        }
    }

    @Test
    void aCorruptNewestCheckpointIsRefusedByItsChecksumAndThePreviousOneIsRead() throws IOException {
        var file = dir.resolve("checkpoint.ckpt");
        write(file, 10, 1f);
        write(file, 20, 2f);
        assertThat(Checkpoint.previous(file)).exists();
        assertThat(stepOf(file)).isEqualTo(20);

        // One flipped byte in the middle of the weights: the file still parses, only the checksum can tell.
        var bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);

        assertThatThrownBy(() -> Checkpoint.read(file)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        try (var checkpoint = Checkpoint.readLatest(file)) {
            assertThat(checkpoint.header().step()).isEqualTo(10);
            assertThat(checkpoint.parameters().getFirst().toFloatArray()[0]).isEqualTo(1f);
        }
    }

    @Test
    void aTornNewestCheckpointFallsBackAndOnlyTwoBrokenOnesFail() throws IOException {
        var file = dir.resolve("checkpoint.ckpt");
        write(file, 10, 1f);
        write(file, 20, 2f);
        var bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 3));

        assertThat(stepOf(file)).isEqualTo(10);

        Files.write(Checkpoint.previous(file), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> stepOf(file)).isInstanceOf(IOException.class);
    }

    @Test
    void twoWritersOfOneCheckpointNeverTearIt() throws Exception {
        var file = dir.resolve("checkpoint.ckpt");
        var start = new CyclicBarrier(2);
        try (var pool = Executors.newFixedThreadPool(2)) {
            var writers = List.of(1f, 2f).stream().map(value -> (Future<?>) pool.submit(() -> {
                for (int round = 0; round < 20; round++) {
                    start.await(30, TimeUnit.SECONDS);
                    write(file, (long) (value * 1000) + round, value);
                }
                return null;
            })).toList();
            for (var writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        }
        // Whoever renamed last, the file is one writer's whole checkpoint, and no temporary file is left behind.
        try (var checkpoint = Checkpoint.read(file)) {
            float value = checkpoint.parameters().getFirst().toFloatArray()[0];
            assertThat(value).isIn(1f, 2f);
            assertThat(checkpoint.parameters().getFirst().toFloatArray()).containsOnly(value);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("checkpoint.ckpt", "checkpoint.ckpt.prev");
        }
    }
}
