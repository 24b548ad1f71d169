package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.follow.PipelineSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forge pipeline run|status|report|stop|reset}: the eight phases in order, each handing its winner on. */
@Command(name = "pipeline", description = "Run the eight phases in order, and see where the run is.",
        subcommands = {PipelineCommand.Run.class, PipelineCommand.Status.class, PipelineCommand.Report.class,
                PipelineCommand.Stop.class, PipelineCommand.Reset.class})
public final class PipelineCommand {

    @Command(name = "run", description = "Start the pipeline; with --follow, one progress bar per phase until it ends "
            + "(0 completed, 1 failed, 3 stopped or reset, 4 --timeout).")
    static final class Run implements Callable<Integer> {
        private final Context context;

        @Option(names = {"-p", "--param"}, paramLabel = "key=value",
                description = "A parameter for every phase (repeatable), e.g. --param model_preset=tiny.")
        List<String> params;

        @Option(names = {"-f", "--follow"}, description = "Stream the phases' progress until the pipeline ends.")
        boolean follow;

        @Mixin
        RunCommand.FollowOptions options = new RunCommand.FollowOptions();

        Run(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var status = context.api().post("/pipeline/run", Map.of("parameters", Arguments.parameters(params)));
            if (!follow && options.timeout == null) {
                print(context, status, options.output);
                return ExitCodes.COMPLETED;
            }
            return followPipeline(context, null, options);
        }
    }

    @Command(name = "status", description = "Where the pipeline is; --follow streams it to its end.")
    static final class Status implements Callable<Integer> {
        private final Context context;

        @Option(names = {"-f", "--follow"})
        boolean follow;

        @Option(names = "--since", paramLabel = "<event id>", description = "With --follow: resume after this event.")
        String since;

        @Mixin
        RunCommand.FollowOptions options = new RunCommand.FollowOptions();

        Status(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (follow) {
                return followPipeline(context, since, options);
            }
            print(context, context.api().get("/pipeline/status"), options.output);
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "report", description = "Every phase's proof numbers side by side, wall times, and the lineage of "
            + "the result with sizes (-o json for the whole report).")
    static final class Report implements Callable<Integer> {
        private final Context context;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|ndjson")
        Output output;

        Report(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var report = context.api().get("/pipeline/report");
            Output.show(report, output, context.out(), out -> table(report, out));
            return ExitCodes.COMPLETED;
        }

        private static void table(JsonNode report, PrintStream out) {
            out.println(String.format(Locale.ROOT, "pipeline run %s  %s  %.1f s  %s",
                    Table.shortId(report.path("run_id").asText()), report.path("status").asText(),
                    report.path("wall_time_seconds").asDouble(), report.path("message").asText("")));
            var phases = new Table("PHASE", "STATUS", "WALL S", "JOB S", "WINNER", "SIZE", "HANDOFFS IN", "PROOF");
            for (var phase : report.path("phases")) {
                phases.row(phase.path("phase").asText(), phase.path("status").asText(),
                        seconds(phase.path("wall_time_seconds")), seconds(phase.path("job_seconds")),
                        Table.shortId(phase.path("winner_model_id").asText(null)),
                        bytes(phase.path("winner_bytes")), pairs(phase.path("handoffs")), pairs(phase.path("proof")));
            }
            phases.print(out);
            out.println();
            var lineage = new Table("ROLE", "MODEL", "NAME", "PHASE", "SIZE", "FROM");
            for (var model : report.path("lineage")) {
                var parents = new ArrayList<String>();
                model.path("parents").forEach(parent -> parents.add(Table.shortId(parent.asText())));
                lineage.row(model.path("role").asText(), Table.shortId(model.path("model_id").asText()),
                        model.path("name").asText(null), model.path("phase").asText(null),
                        bytes(model.path("file_size")), parents.isEmpty() ? null : String.join(",", parents));
            }
            lineage.print(out);
            if (report.path("tool_accuracy").isObject()) {
                out.println();
                out.println("test accuracy with tools: " + pairs(report.path("tool_accuracy")));
            }
        }

        private static String seconds(JsonNode value) {
            return value.isNumber() ? String.format(Locale.ROOT, "%.1f", value.asDouble()) : null;
        }

        private static String bytes(JsonNode value) {
            return value.isNumber() && value.asLong() > 0
                    ? String.format(Locale.ROOT, "%.1f KiB", value.asLong() / 1024.0) : null;
        }

        /** A map's scalar entries as {@code key=value}; lists and objects (e.g. Cognate's models) only in JSON. */
        private static String pairs(JsonNode map) {
            var parts = new ArrayList<String>();
            map.fields().forEachRemaining(entry -> {
                var value = entry.getValue();
                if (value.isNumber()) {
                    parts.add(entry.getKey() + "=" + (value.isIntegralNumber() ? value.asText()
                            : String.format(Locale.ROOT, "%.4g", value.asDouble())));
                } else if (value.isValueNode() && !value.isNull()) {
                    parts.add(entry.getKey() + "=" + value.asText());
                }
            });
            return parts.isEmpty() ? null : String.join(" ", parts);
        }
    }

    /** A command that is one POST without a body, answered by the pipeline's status. */
    private abstract static class StatusChange implements Callable<Integer> {
        private final Context context;
        private final String path;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
        Output output;

        StatusChange(Context context, String path) {
            this.context = context;
            this.path = path;
        }

        @Override
        public Integer call() {
            print(context, context.api().post(path, Map.of()), output);
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "stop", description = "Stop the running run (its job is cancelled); its report stays.")
    static final class Stop extends StatusChange {
        Stop(Context context) {
            super(context, "/pipeline/stop");
        }
    }

    @Command(name = "reset", description = "Cancel the running work and clear the pipeline's state (models are kept).")
    static final class Reset extends StatusChange {
        Reset(Context context) {
            super(context, "/pipeline/reset");
        }
    }

    private static int followPipeline(Context context, String since, RunCommand.FollowOptions options) {
        return context.follower().follow(new PipelineSubject(context.api()), since, options.timeout,
                context.view(options.output)).exitCode();
    }

    private static void print(Context context, JsonNode status, Output output) {
        Output.show(status, output, context.out(), out -> out.println(String.format(Locale.ROOT,
                "pipeline %s  %.0f%%  %d/%d phases completed%s  %s",
                status.path("status").asText(), status.path("progress").asDouble() * 100,
                status.path("phases_completed").asInt(), status.path("total_phases").asInt(),
                status.path("current_phase").isTextual() ? ", at " + status.path("current_phase").asText() : "",
                status.path("message").asText(""))));
    }
}
