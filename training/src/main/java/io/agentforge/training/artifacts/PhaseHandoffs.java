package io.agentforge.training.artifacts;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.models.ModelHandoff;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.training.worker.InputModel;
import io.agentforge.training.worker.WorkerMessage.Artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The handoffs between phases, through their lifecycle: a completed phase hands its models on ({@code pending});
 * the next phase's job takes them when it starts ({@code accepted}, its archives downloaded into the job directory)
 * and settles them when it ends ({@code completed}, or {@code rejected} with the reason). Which handoffs a job
 * accepted is remembered in its directory, so a retried job continues with the same models.
 */
public final class PhaseHandoffs {
    static final String INPUTS_FILE = "inputs.json";
    static final String HANDED_ON_FILE = "handed-on";

    private final ModelService models;

    public PhaseHandoffs(ModelService models) {
        this.models = models;
    }

    /**
     * The input models of a job of {@code phase}: the newest run's pending handoffs to it (older runs' pending ones
     * are rejected as superseded), accepted and downloaded; or, for a job started again, the ones it accepted before.
     *
     * @throws IllegalStateException when nothing was handed to the phase
     */
    public List<InputModel> accept(ModelPhase phase, Path jobDir) {
        if (phase.previous() == null) {
            return List.of();
        }
        var file = jobDir.resolve(INPUTS_FILE);
        if (Files.isRegularFile(file)) {
            return read(file);
        }
        var pending = pending(phase);
        if (pending.isEmpty()) {
            pending = handAgain(phase);
        }
        var newestJob = models.model(pending.getFirst().modelId()).trainingJobId();
        var inputs = new ArrayList<InputModel>();
        for (var handoff : pending.reversed()) {
            var model = models.model(handoff.modelId());
            if (newestJob != null && !newestJob.equals(model.trainingJobId())) {
                models.updateHandoff(handoff.handoffId(), ModelHandoff.REJECTED, "superseded by a newer run of "
                        + phase.previous().displayName());
                continue;
            }
            var archive = jobDir.resolve("inputs").resolve(model.modelId() + ".zip");
            download(model.modelId(), archive);
            var role = model.tags().contains("ancestor") ? "ancestor" : model.isWinner() ? "winner" : "model";
            inputs.add(new InputModel(handoff.handoffId(), model.modelId(), model.name(), role, model.checksum(),
                    archive, null));
        }
        write(file, inputs);
        inputs.forEach(input -> models.updateHandoff(input.handoffId(), ModelHandoff.ACCEPTED, null));
        return inputs;
    }

    private List<ModelHandoff> pending(ModelPhase phase) {
        return models.handoffs(phase.previous(), phase).stream()
                .filter(h -> ModelHandoff.PENDING.equals(h.status())).toList();
    }

    /**
     * A phase run again after its input was taken: the previous phase's newest run hands the same models once more
     * (new handoffs, so that each run's lineage stays its own).
     */
    private List<ModelHandoff> handAgain(ModelPhase phase) {
        var earlier = models.handoffs(phase.previous(), phase);
        if (earlier.isEmpty()) {
            throw new IllegalStateException("no model is handed to " + phase.displayName() + "; run "
                    + phase.previous().wireName() + " first");
        }
        var newestJob = models.model(earlier.getFirst().modelId()).trainingJobId();
        var handed = new LinkedHashSet<String>();
        for (var handoff : earlier.reversed()) {
            if (Objects.equals(newestJob, models.model(handoff.modelId()).trainingJobId())
                    && handed.add(handoff.modelId())) {
                models.handoff(handoff.modelId(), phase.previous(), phase);
            }
        }
        return pending(phase);
    }

    /** The job completed: its input handoffs are too. */
    public void complete(Path jobDir) {
        settle(jobDir, ModelHandoff.COMPLETED, null);
    }

    /** The job failed or was cancelled: its input handoffs are rejected with the reason. */
    public void reject(Path jobDir, String reason) {
        settle(jobDir, ModelHandoff.REJECTED, reason);
    }

    /**
     * Hands the phase's output to the next phase: Cognate's three models and their ancestor (EvoMerge merges them
     * relative to it), and from EvoMerge on the winner.
     */
    public void handOn(ModelPhase phase, Path jobDir, Map<String, String> saved, List<Artifact> artifacts,
                       String winnerArtifact) {
        var next = phase.next();
        var marker = jobDir.resolve(HANDED_ON_FILE);
        if (next == null || Files.exists(marker)) {
            return;
        }
        if (phase == ModelPhase.COGNATE) {
            artifacts.forEach(artifact -> models.handoff(saved.get(artifact.name()), phase, next));
        } else {
            models.handoff(saved.get(winnerArtifact), phase, next);
        }
        try {
            // A completion handled again (the service died right after) must not hand the models on twice.
            Files.writeString(marker, next.wireName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks the phase's one winner (unmarking its previous winner). */
    public void markWinner(String modelId) {
        models.markWinner(modelId);
    }

    private void settle(Path jobDir, String status, String reason) {
        var file = jobDir.resolve(INPUTS_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (var input : read(file)) {
            models.updateHandoff(input.handoffId(), status, reason);
        }
    }

    private void download(String modelId, Path archive) {
        try {
            Files.createDirectories(archive.getParent());
            var temporary = archive.resolveSibling(archive.getFileName() + ".tmp");
            // The Model service verifies the stored bytes against the checksum as it serves them; the worker checks again.
            try (var in = models.openArtifact(modelId)) {
                Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temporary, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download model " + modelId, e);
        }
    }

    private static List<InputModel> read(Path file) {
        try {
            return Json.mapper().readValue(file.toFile(), new TypeReference<List<InputModel>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, List<InputModel> inputs) {
        try {
            Files.createDirectories(file.getParent());
            var temporary = file.resolveSibling(INPUTS_FILE + ".tmp");
            Files.writeString(temporary, Json.write(inputs));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
