package io.agentforge.cli.commands;

import io.agentforge.cli.ExitCodes;
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
        if (output != Output.TABLE) {
            Output.print(output == Output.NDJSON ? values(overview.path("phases")) : overview, output, context.out());
            return ExitCodes.COMPLETED;
        }
        var table = new Table("PHASE", "STATUS", "PROGRESS", "STEP", "JOB", "MESSAGE");
        overview.path("phases").forEach(phase -> table.row(phase.path("phase_name").asText(),
                phase.path("status").asText(),
                String.format(Locale.ROOT, "%.0f%%", phase.path("progress").asDouble() * 100),
                phase.path("current_step").asLong() + "/" + phase.path("total_steps").asLong(),
                Table.shortId(phase.path("job_id").asText(null)), phase.path("message").asText("")));
        table.print(context.out());
        var summary = overview.path("summary");
        context.out().println(summary.path("completed_phases").asInt() + " of " + summary.path("total_phases").asInt()
                + " phases completed, " + summary.path("running_phases").asInt() + " running");
        return ExitCodes.COMPLETED;
    }

    static com.fasterxml.jackson.databind.JsonNode values(com.fasterxml.jackson.databind.JsonNode object) {
        var array = io.agentforge.contracts.Json.mapper().createArrayNode();
        object.forEach(array::add);
        return array;
    }
}
