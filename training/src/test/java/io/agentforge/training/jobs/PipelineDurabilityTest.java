package io.agentforge.training.jobs;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.ConflictException;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.pipeline.PipelineRequest;
import io.agentforge.contracts.training.JobQuery;
import io.agentforge.contracts.training.TaskStatus;
import io.agentforge.platform.testing.PostgresServerFixture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Pipeline runs live in the Training service's store: a run whose driving process is killed with SIGKILL is continued
 * by another replica (after the dead one's lease ran out) from where it stood, with no phase queued twice; and a bad
 * request is refused before anything is stored.
 */
class PipelineDurabilityTest {
    private static final Duration LONG = Duration.ofMinutes(4);
    private static final Map<String, Object> TINY = Map.of("model_preset", "tiny", "max_steps", 12, "batch_size", 4,
            "max_train_samples", 200, "max_eval_samples", 20, "checkpoint_interval", 5, "eval_interval", 5);

    @TempDir
    Path dir;
    @AutoClose
    JobSystemFixture fixture;

    @Test
    void refusesAnUnknownPhaseOrParameterUpFrontNamingItAndStoresNothing() {
        fixture = new JobSystemFixture(dir, null);
        var pipeline = fixture.start(1, 3).pipeline();

        assertThatThrownBy(() -> pipeline.run(new PipelineRequest(Map.of("max_steps", 5),
                Map.of("evomarge", Map.of("generations", 2)))))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("phases.evomarge"));
        assertThatThrownBy(() -> pipeline.run(new PipelineRequest(Map.of(),
                Map.of("evomerge", Map.of("generationz", 2)))))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("phases.evomerge.generationz"));
        // A phase's own parameter among the common ones is unknown to the other phases.
        assertThatThrownBy(() -> pipeline.run(new PipelineRequest(Map.of("generations", 2), Map.of())))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("parameters.generations"));
        assertThatThrownBy(() -> pipeline.run(new PipelineRequest(Map.of("max_steps", -3), Map.of())))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("parameters.max_steps"));

        assertThat(pipeline.status().status()).isEqualTo("idle");
        assertThatThrownBy(pipeline::report).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRunWhoseDriverIsKilledWithSigkillIsContinuedByAnotherReplicaWithoutQueueingAPhaseTwice() throws Exception {
        var database = PostgresServerFixture.freshDatabase();
        fixture = new JobSystemFixture(dir, database.url());
        var otherInstance = fixture.startInstanceProcess();
        // Started as the API would through any replica; the only replica alive, the other process, drives it.
        var runId = insertRun(Map.of("evomerge", Map.of("generations", 1, "population", 4)));
        var cognateJob = await().atMost(LONG).until(() -> cognateJobOf(runId), id -> id != null);
        await().atMost(LONG).until(() -> fixture.currentStep(cognateJob) >= 7);

        otherInstance.destroyForcibly();
        otherInstance.waitFor();
        var survivor = fixture.start(2, 3);
        var pipeline = survivor.pipeline();

        // The survivor recovers the job, follows it to its end and goes on to EvoMerge with Cognate's models.
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() ->
                pipeline.status().currentPhase() == ModelPhase.EVOMERGE && pipeline.status().currentJobId() != null);
        var status = pipeline.status();
        assertThat(status.runId()).isEqualTo(runId);
        assertThat(status.status()).isEqualTo("running");
        assertThat(status.phasesCompleted()).isEqualTo(1);
        assertThat(survivor.jobs(new JobQuery(ModelPhase.COGNATE, null, null)).items())
                .singleElement().satisfies(job -> {
                    assertThat(job.jobId()).isEqualTo(cognateJob);
                    assertThat(job.status()).isEqualTo(TaskStatus.COMPLETED);
                });
        var report = pipeline.report();
        assertThat(report.phases().getFirst().status()).isEqualTo("completed");
        assertThat(report.phases().getFirst().proof().get("random_baseline_loss"))
                .isEqualTo(survivor.job(cognateJob).stats().get("random_baseline_loss"));
        assertThat(report.lineage()).extracting(m -> m.role()).containsExactly("ancestor", "cognate", "cognate",
                "cognate");

        // One run at a time; a stop cancels the phase's job and keeps the report; a reset clears it.
        assertThatThrownBy(() -> pipeline.run(PipelineRequest.empty())).isInstanceOf(ConflictException.class);
        var evomergeJob = status.currentJobId();
        var stopped = pipeline.stop();
        assertThat(stopped.status()).isEqualTo("cancelled");
        assertThat(survivor.job(evomergeJob).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(pipeline.report().phases().get(1).status()).isEqualTo("cancelled");
        assertThat(pipeline.reset().status()).isEqualTo("idle");
        assertThat(pipeline.status().status()).isEqualTo("idle");
    }

    private String insertRun(Map<String, Map<String, Object>> overrides) {
        var id = java.util.UUID.randomUUID().toString();
        fixture.database.withConnection(c -> {
            try (var insert = c.prepareStatement("INSERT INTO pipeline_runs (id, status, parameters, phase_overrides,"
                    + " current_phase, created_at) VALUES (?, 'running', ?, ?, 'cognate', CURRENT_TIMESTAMP)")) {
                insert.setString(1, id);
                insert.setString(2, Json.write(TINY));
                insert.setString(3, Json.write(overrides));
                return insert.executeUpdate();
            }
        });
        return id;
    }

    private String cognateJobOf(String runId) {
        return fixture.database.withConnection(c -> {
            try (var s = c.prepareStatement("SELECT job_id FROM pipeline_steps WHERE run_id = ? AND phase = 'cognate'")) {
                s.setString(1, runId);
                try (var rows = s.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
    }
}
