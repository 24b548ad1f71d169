package io.agentforge.launcher.remote;

import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ModelExportRequest;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.models.NewModel;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.models.RunningModelService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP implementation of ModelService against the real server: what a remote caller sees is what it sent. */
class RemoteModelServiceTest {
    @TempDir
    static Path dir;
    static RunningModelService service;
    static ModelService remote;

    @BeforeAll
    static void start() {
        service = RunningModelService.start(dir, null, 1_000_000);
        remote = new RemoteModelService(new ServiceClient("models",
                URI.create("http://localhost:" + service.server.port()), ServiceClient.Settings.defaults()));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void savedMetadataAndBytesComeBackThroughTheClient() throws Exception {
        var parent = remote.save(new NewModel("remote-parent", ModelPhase.COGNATE, null, null, null, null, null),
                new ByteArrayInputStream(new byte[]{1}));
        var bytes = "remote artifact".getBytes();
        var saved = remote.save(new NewModel("remote-a", ModelPhase.EVOMERGE, "job-1", Map.of("parameter_count", 42),
                Map.of("eval_loss", 1.5), List.of("x", "y"), List.of(parent.modelId())), new ByteArrayInputStream(bytes));

        assertThat(saved.trainingJobId()).isEqualTo("job-1");
        assertThat(saved.tags()).containsExactly("x", "y");
        assertThat(saved.metrics()).containsEntry("eval_loss", 1.5);
        assertThat(saved.parameters()).containsEntry("parameter_count", 42);
        assertThat(remote.model(saved.modelId())).isEqualTo(saved);
        try (var in = remote.openArtifact(saved.modelId())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(remote.models(new ModelQuery(ModelPhase.EVOMERGE, "remote-a", "x", null, PageRequest.first(10)))
                .items()).containsExactly(saved);
        assertThat(remote.summary(new ModelQuery(ModelPhase.EVOMERGE, "remote-a", null, null, null)))
                .isEqualTo(new io.agentforge.contracts.models.ModelSummary(1, 42));
        assertThat(remote.markWinner(saved.modelId()).isWinner()).isTrue();
        assertThat(remote.winners()).extracting(m -> m.modelId()).contains(saved.modelId());
        var handoff = remote.handoff(saved.modelId(), ModelPhase.EVOMERGE, ModelPhase.QUIETSTAR);
        assertThat(remote.handoffs(ModelPhase.EVOMERGE, null)).contains(handoff);
        assertThat(remote.updateHandoff(handoff.handoffId(), "accepted", null).status()).isEqualTo("accepted");
        var rejected = remote.updateHandoff(handoff.handoffId(), "rejected", "job j1 failed: loss diverged");
        assertThat(rejected.status()).isEqualTo("rejected");
        assertThat(rejected.reason()).isEqualTo("job j1 failed: loss diverged");
        assertThat(remote.handoffs(ModelPhase.EVOMERGE, ModelPhase.QUIETSTAR)).contains(rejected);
        assertThatThrownBy(() -> remote.updateHandoff(handoff.handoffId(), "lost", null))
                .isInstanceOf(io.agentforge.contracts.errors.InvalidRequestException.class);
        assertThat(remote.health().service()).isEqualTo("models");

        remote.delete(saved.modelId());
        assertThatThrownBy(() -> remote.model(saved.modelId())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void failuresArriveAsTheExceptionsTheServiceThrew() throws Exception {
        assertThatThrownBy(() -> remote.save(new NewModel("../x", ModelPhase.COGNATE, null, null, null, null, null),
                new ByteArrayInputStream(new byte[1]))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> remote.model(UUID.randomUUID().toString())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> remote.export(new ModelExportRequest(List.of(UUID.randomUUID().toString()), "onnx",
                null, null))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("export_format");

        var saved = remote.save(new NewModel("remote-rot", ModelPhase.ADAS, null, null, null, null, null),
                new ByteArrayInputStream(new byte[100]));
        Files.write(service.storage.resolve(saved.filePath()), new byte[100 - 1]);
        assertThatThrownBy(() -> remote.openArtifact(saved.modelId())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("not served");
    }
}
