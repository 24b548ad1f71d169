package io.agentforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code forge pipeline run|report|reset} against the real services: the report as a table of the eight phases and
 * as JSON, and the 404 once a reset cleared the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineReportTest {
    @TempDir
    static Path dir;
    private LiveServices services;

    @BeforeAll
    void start() {
        services = new LiveServices(dir);
    }

    @AfterAll
    void stop() {
        services.close();
    }

    @Test
    void theReportShowsEveryPhaseOfTheRunAsATableAndAsJsonAndIsGoneAfterAReset() {
        var args = new ArrayList<>(List.of("pipeline", "run", "-o", "json", "-p", "max_steps=3000"));
        args.addAll(LiveServices.TINY);
        var started = services.forge(args.toArray(String[]::new));
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(Json.read(started.out(), JsonNode.class).path("status").asText()).isEqualTo("running");

        var table = services.forge("pipeline", "report");
        var json = services.forge("pipeline", "report", "-o", "json");
        var reset = services.forge("pipeline", "reset");
        var gone = services.forge("pipeline", "report");

        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("pipeline run ").contains("running");
        assertThat(table.out()).containsPattern("(?m)^PHASE +STATUS +WALL S +JOB S +WINNER +SIZE +HANDOFFS IN +PROOF$")
                .containsPattern("(?m)^cognate +(starting|running) ")
                .containsPattern("(?m)^final-compression +pending")
                .containsPattern("(?m)^ROLE +MODEL +NAME +PHASE +SIZE +FROM$")
                .doesNotContain("\u001b");
        var report = Json.read(json.out(), JsonNode.class);
        assertThat(report.path("phases")).hasSize(8);
        assertThat(report.path("parameters").path("max_steps").asInt()).isEqualTo(3000);
        assertThat(reset.exit()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("pipeline idle");
        assertThat(gone.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(gone.err()).contains("404", "no pipeline run since the last reset");
    }
}
