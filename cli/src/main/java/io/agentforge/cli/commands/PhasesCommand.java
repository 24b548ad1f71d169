package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.contracts.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code forge phases}: the eight phases, where each stands. */
@Command(name = "phases", description = "The eight phases and the state of each one's latest job.")
public final class PhasesCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|ndjson")
    Output output;

    PhasesCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var overview = context.api().get("/phases/status");
        var data = output == Output.NDJSON ? values(overview.path("phases")) : overview;
        Output.show(data, output, context.out(), out -> {
            var table = new Table("PHASE", "STATUS", "PROGRESS", "STEP", "JOB", "MESSAGE");
            overview.path("phases").forEach(phase -> table.row(phase.path("phase_name").asText(),
                    phase.path("status").asText(),
                    String.format(Locale.ROOT, "%.0f%%", phase.path("progress").asDouble() * 100),
                    phase.path("current_step").asLong() + "/" + phase.path("total_steps").asLong(),
                    Table.shortId(phase.path("job_id").asText(null)), phase.path("message").asText("")));
            table.print(out);
            var summary = overview.path("summary");
            out.println(summary.path("completed_phases").asInt() + " of " + summary.path("total_phases").asInt()
                    + " phases completed, " + summary.path("running_phases").asInt() + " running");
        });
        return ExitCodes.COMPLETED;
    }

    static JsonNode values(JsonNode object) {
        var array = Json.mapper().createArrayNode();
        object.forEach(array::add);
        return array;
    }
}
