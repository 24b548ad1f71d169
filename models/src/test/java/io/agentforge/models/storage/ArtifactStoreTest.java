package io.agentforge.models.storage;

import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.PayloadTooLargeException;
import io.agentforge.contracts.phases.ModelPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactStoreTest {
    @TempDir
    Path root;

    @Test
    void storesTheBytesAndTheirSha256AndReadsThemBack() throws Exception {
        var store = new ArtifactStore(root, 10_000_000);
        var bytes = randomBytes(3_000_001);
        var id = UUID.randomUUID().toString();

        var stored = store.write(ModelPhase.COGNATE, id, new ByteArrayInputStream(bytes));

        assertThat(stored.filePath()).isEqualTo("cognate/" + id + "/model.zip");
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(stored.sha256()).isEqualTo(sha256(bytes));
        assertThat(Files.readAllBytes(root.resolve(stored.filePath()))).isEqualTo(bytes);
        try (var in = store.openVerified(ModelPhase.COGNATE, id, stored.size(), stored.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(filesUnder(root)).containsExactly(root.resolve(stored.filePath()));
    }

    @Test
    void anArtifactOverTheLimitLeavesNothingOnDisk() throws IOException {
        var store = new ArtifactStore(root, 1_000);
        var id = UUID.randomUUID().toString();

        assertThatThrownBy(() -> store.write(ModelPhase.BITNET, id, new ByteArrayInputStream(randomBytes(1_001))))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("1000 bytes");

        assertThat(filesUnder(root)).isEmpty();
        assertThat(root.resolve("bitnet").resolve(id)).doesNotExist();
    }

    @Test
    void anArtifactOfExactlyTheLimitIsAccepted() {
        var store = new ArtifactStore(root, 1_000);
        var stored = store.write(ModelPhase.BITNET, UUID.randomUUID().toString(),
                new ByteArrayInputStream(randomBytes(1_000)));
        assertThat(stored.size()).isEqualTo(1_000);
    }

    @Test
    void aStreamThatBreaksMidwayLeavesNothingOnDisk() throws IOException {
        var store = new ArtifactStore(root, 10_000_000);
        var breaking = new InputStream() {
            int served;

            @Override
            public int read() throws IOException {
                if (served++ > 5_000) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };

        assertThatThrownBy(() -> store.write(ModelPhase.ADAS, UUID.randomUUID().toString(), breaking))
                .hasRootCauseMessage("connection reset");
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void aFlippedByteIsReportedAndNotServed() throws IOException {
        var store = new ArtifactStore(root, 10_000_000);
        var id = UUID.randomUUID().toString();
        var stored = store.write(ModelPhase.COGNATE, id, new ByteArrayInputStream(randomBytes(50_000)));
        var file = root.resolve(stored.filePath());
        var bytes = Files.readAllBytes(file);
        bytes[25_000] ^= 1;
        Files.write(file, bytes);

        assertThatThrownBy(() -> store.openVerified(ModelPhase.COGNATE, id, stored.size(), stored.sha256()))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.details()).containsEntry("reason", "artifact_corrupted")
                            .containsEntry("expected_checksum", stored.sha256())
                            .containsEntry("actual_checksum", sha256(bytes));
                });
    }

    @Test
    void aTruncatedOrMissingArtifactIsReported() throws IOException {
        var store = new ArtifactStore(root, 10_000_000);
        var id = UUID.randomUUID().toString();
        var stored = store.write(ModelPhase.COGNATE, id, new ByteArrayInputStream(randomBytes(50_000)));
        var file = root.resolve(stored.filePath());
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 49_999));

        assertThatThrownBy(() -> store.openVerified(ModelPhase.COGNATE, id, stored.size(), stored.sha256()))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.details()).containsEntry("reason", "artifact_corrupted"));

        Files.delete(file);
        assertThatThrownBy(() -> store.openVerified(ModelPhase.COGNATE, id, stored.size(), stored.sha256()))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.details()).containsEntry("reason", "artifact_missing"));
    }

    @Test
    void deleteRemovesTheModelsDirectory() throws IOException {
        var store = new ArtifactStore(root, 10_000_000);
        var id = UUID.randomUUID().toString();
        var stored = store.write(ModelPhase.EVOMERGE, id, new ByteArrayInputStream(randomBytes(10)));

        store.delete(ModelPhase.EVOMERGE, id);

        assertThat(root.resolve(stored.filePath()).getParent()).doesNotExist();
        store.delete(ModelPhase.EVOMERGE, id);
    }

    @Test
    void theSweepRemovesOldOrphansAndTempFilesButKeepsKnownFreshAndStillUploadingOnes() throws IOException {
        var store = new ArtifactStore(root, 10_000_000);
        var known = UUID.randomUUID().toString();
        var orphan = UUID.randomUUID().toString();
        var fresh = UUID.randomUUID().toString();
        store.write(ModelPhase.COGNATE, known, new ByteArrayInputStream(randomBytes(10)));
        store.write(ModelPhase.COGNATE, orphan, new ByteArrayInputStream(randomBytes(10)));
        store.write(ModelPhase.COGNATE, fresh, new ByteArrayInputStream(randomBytes(10)));
        var leftover = Files.writeString(root.resolve("cognate").resolve(known).resolve(".upload-1.tmp"), "partial");
        var exportsDir = Files.createDirectories(root.resolve("exports").resolve("something"));
        var anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (var p : new Path[]{root.resolve("cognate").resolve(known), root.resolve("cognate").resolve(orphan), leftover}) {
            Files.setLastModifiedTime(p, anHourAgo);
        }

        var uploading = UUID.randomUUID().toString();
        var uploadingDir = Files.createDirectories(root.resolve("cognate").resolve(uploading));
        Files.writeString(uploadingDir.resolve(".upload-2.tmp"), "still arriving");
        Files.setLastModifiedTime(uploadingDir, anHourAgo);
        for (var f : new Path[]{root.resolve("cognate").resolve(orphan).resolve("model.zip")}) {
            Files.setLastModifiedTime(f, anHourAgo);
        }

        var removed = store.sweepOrphans(Set.of(known)::contains, Duration.ofMinutes(10));

        assertThat(removed).containsExactlyInAnyOrder(root.resolve("cognate").resolve(orphan), leftover);
        assertThat(root.resolve(ArtifactStore.filePath(ModelPhase.COGNATE, known))).exists();
        assertThat(root.resolve(ArtifactStore.filePath(ModelPhase.COGNATE, fresh))).exists();
        assertThat(exportsDir).exists();
        assertThat(uploadingDir.resolve(".upload-2.tmp")).exists();
    }

    static byte[] randomBytes(int n) {
        var bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static java.util.List<Path> filesUnder(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
