package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.follow.PipelineSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forge pipeline run|status|report|reset}: the eight phases in order, each handing its winner on. */
@Command(name = "pipeline", description = "Run the eight phases in order, and see where the run is.",
        subcommands = {PipelineCommand.Run.class, PipelineCommand.Status.class, PipelineCommand.Report.class,
                PipelineCommand.Reset.class})
public final class PipelineCommand {

    @Command(name = "run", description = "Start the pipeline; with --follow, one progress bar per phase until it ends "
            + "(0 completed, 1 failed or partial, 3 reset, 4 --timeout).")
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

    @Command(name = "report", description = "Every phase's statistics side by side and the lineage of the result.")
    static final class Report implements Callable<Integer> {
        private final Context context;

        @Option(names = {"-o", "--output"}, defaultValue = "json", paramLabel = "json|ndjson")
        Output output;

        Report(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Output.print(context.api().get("/pipeline/report"), output == Output.TABLE ? Output.JSON : output,
                    context.out());
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "reset", description = "Cancel the running work and clear the pipeline's state (models are kept).")
    static final class Reset implements Callable<Integer> {
        private final Context context;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
        Output output;

        Reset(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            print(context, context.api().post("/pipeline/reset", Map.of()), output);
            return ExitCodes.COMPLETED;
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
