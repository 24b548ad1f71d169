package io.agentforge.contracts.models;

import io.agentforge.contracts.errors.ConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void aPackedDirectoryUnpacksToTheSameFiles() throws IOException {
        var dir = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(dir.resolve("config.json"), "{\"layers\":2}");
        Files.write(dir.resolve("model.safetensors"), new byte[100_000]);
        Files.createDirectories(dir.resolve("extra"));
        Files.writeString(dir.resolve("extra").resolve("notes.txt"), "hello");

        byte[] zip;
        try (var in = ModelArchive.packing(dir)) {
            zip = in.readAllBytes();
        }
        var out = Files.createDirectories(tmp.resolve("out"));
        ModelArchive.unpack(new ByteArrayInputStream(zip), out, "m", 1_000_000);

        assertThat(Files.readString(out.resolve("config.json"))).isEqualTo("{\"layers\":2}");
        assertThat(Files.size(out.resolve("model.safetensors"))).isEqualTo(100_000);
        assertThat(Files.readString(out.resolve("extra/notes.txt"))).isEqualTo("hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "../../etc/cron.d/x", "/etc/passwd", "a/../../evil", "a\\..\\..\\evil",
            "C:/evil", "..", "./../evil"})
    void entriesThatWouldEscapeTheTargetAreRefusedAndNothingIsWrittenOutside(String name) throws IOException {
        var target = Files.createDirectories(tmp.resolve("deep/target"));

        assertThatThrownBy(() -> ModelArchive.unpack(new ByteArrayInputStream(zipWith(name, "x".getBytes())), target,
                "m", 1_000))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.details()).containsEntry("reason", "artifact_not_a_model"))
                .hasMessageContaining("outside the model directory");
        try (var walk = Files.walk(tmp)) {
            assertThat(walk.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void anArchiveThatExpandsBeyondTheLimitIsRefused() throws IOException {
        var bomb = zipWith("model.safetensors", new byte[10_000]);
        assertThat(bomb.length).isLessThan(1_000);
        var target = Files.createDirectories(tmp.resolve("t"));

        assertThatThrownBy(() -> ModelArchive.unpack(new ByteArrayInputStream(bomb), target, "m", 5_000))
                .isInstanceOf(ConflictException.class).hasMessageContaining("expand beyond 5000");
    }

    @Test
    void bytesThatAreNoZipAreRefused() throws IOException {
        var target = Files.createDirectories(tmp.resolve("t"));
        assertThatThrownBy(() -> ModelArchive.unpack(new ByteArrayInputStream("not a zip".getBytes()), target, "m", 100))
                .isInstanceOf(ConflictException.class).hasMessageContaining("not a zip of a model directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,a/b", "a/b,a", "a/,a"})
    void entriesThatConflictAreA409NotAnIoFailure(String names) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (var name : names.split(",")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(name.endsWith("/") ? new byte[0] : "x".getBytes());
                zip.closeEntry();
            }
        }
        var target = Files.createDirectories(tmp.resolve("conflict-" + names.hashCode()));

        assertThatThrownBy(() -> ModelArchive.unpack(new ByteArrayInputStream(bytes.toByteArray()), target, "m", 1000))
                .isInstanceOf(ConflictException.class).hasMessageContaining("conflicts with an earlier entry");
    }

    @Test
    void anArchiveOfTooManyEntriesIsRefused() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i <= ModelArchive.MAX_ENTRIES; i++) {
                zip.putNextEntry(new ZipEntry("d/" + i + "/"));
                zip.closeEntry();
            }
        }
        var target = Files.createDirectories(tmp.resolve("many"));

        assertThatThrownBy(() -> ModelArchive.unpack(new ByteArrayInputStream(bytes.toByteArray()), target, "m", 1000))
                .isInstanceOf(ConflictException.class).hasMessageContaining("more than 10000 entries");
    }

    static byte[] zipWith(String name, byte[] content) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
