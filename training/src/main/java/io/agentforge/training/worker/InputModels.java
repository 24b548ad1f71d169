package io.agentforge.training.worker;

import io.agentforge.contracts.models.ModelArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks each input model's archive against the checksum the Model service recorded and unpacks it into the job's
 * {@code inputs/<model_id>} directory (once: a restarted worker finds it there). A mismatch fails the job: a phase
 * must never run on bytes other than the model it was handed.
 */
final class InputModels {
    static final long MAX_EXPANDED_BYTES = 8L << 30;

    private InputModels() {
    }

    static List<InputModel> prepare(WorkerSpec spec) throws IOException {
        var prepared = new ArrayList<InputModel>();
        for (var input : spec.inputs()) {
            var dir = spec.jobDir().resolve("inputs").resolve(input.modelId());
            if (!Files.isDirectory(dir)) {
                var actual = sha256(input.archive());
                if (!actual.equals(input.checksum())) {
                    throw new RunFailure("input model " + input.modelId() + " (" + input.name() + "): its archive's sha256 "
                            + actual + " is not the recorded " + input.checksum());
                }
                var temporary = dir.resolveSibling(input.modelId() + ".tmp");
                CognateRun.deleteRecursively(temporary);
                Files.createDirectories(temporary);
                try (InputStream in = Files.newInputStream(input.archive())) {
                    ModelArchive.unpack(in, temporary, input.modelId(), MAX_EXPANDED_BYTES);
                }
                Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            prepared.add(input.unpackedInto(dir));
        }
        return prepared;
    }

    static String sha256(Path file) throws IOException {
        try (var in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
