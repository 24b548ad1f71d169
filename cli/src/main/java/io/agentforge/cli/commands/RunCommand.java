package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.follow.JobSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forge run start|watch|cancel|pause|resume}: one training job. */
@Command(name = "run", description = "Start, follow and control one training job.",
        subcommands = {RunCommand.Start.class, RunCommand.Watch.class, RunCommand.Cancel.class,
                RunCommand.Pause.class, RunCommand.Resume.class})
public final class RunCommand {

    /** The options of every command that can follow a job to its end. */
    static final class FollowOptions {
        @Option(names = "--timeout", converter = Arguments.DurationConverter.class, paramLabel = "<duration>",
                description = "Stop following after this (e.g. 30s, 5m); exit 4, the job goes on.")
        Duration timeout;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|ndjson",
                description = "table: progress bars on a terminal, lines otherwise; json/ndjson: one event a line, "
                        + "ending with {\"terminal\":true,...}.")
        Output output;
    }

    @Command(name = "start", description = "Start a phase's job; with --follow, stream it to its end and exit with its "
            + "status: 0 completed, 1 failed, 3 cancelled, 4 --timeout reached.")
    static final class Start implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<phase>", description = "cognate, evomerge, quietstar, bitnet, "
                + "forge-training, tool-persona, adas or final-compression.")
        String phase;

        @Option(names = {"-p", "--param"}, paramLabel = "key=value",
                description = "A phase parameter (repeatable), e.g. --param model_preset=tiny --param max_steps=40.")
        List<String> params;

        @Option(names = {"-f", "--follow"}, description = "Stream progress until the job ends.")
        boolean follow;

        @Mixin
        FollowOptions options = new FollowOptions();

        Start(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var body = Map.of("parameters", Arguments.parameters(params));
            var started = context.api().post("/phases/" + phase + "/start", body);
            var jobId = started.path("job_id").asText();
            if (!follow && options.timeout == null) {
                Output.show(started, options.output, context.out(), out -> {
                    out.println("started job " + jobId + " (" + started.path("phase").asText(phase) + ")");
                    out.println("follow it: forge run watch " + jobId);
                });
                return ExitCodes.COMPLETED;
            }
            if (options.output == Output.TABLE) {
                context.err().println("job " + jobId + " started (" + phase + "); Ctrl-C detaches, the job goes on");
            }
            return follow(context, jobId, null, options);
        }
    }

    @Command(name = "watch", description = "Follow a job to its end (exit codes as for start --follow); --since resumes "
            + "after an event id without a gap.")
    static final class Watch implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<job>")
        String jobId;

        @Option(names = "--since", paramLabel = "<event id>",
                description = "Show only what came after this event (the id the last watch printed).")
        String since;

        @Mixin
        FollowOptions options = new FollowOptions();

        Watch(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return follow(context, jobId, since, options);
        }
    }

    static int follow(Context context, String jobId, String since, FollowOptions options) {
        var subject = new JobSubject(context.api(), jobId);
        return context.follower().follow(subject, since, options.timeout, context.view(options.output)).exitCode();
    }

    /** cancel, pause and resume: one request each, printing the job as it now stands. */
    abstract static class Control implements Callable<Integer> {
        final Context context;

        @Parameters(index = "0", paramLabel = "<job>")
        String jobId;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
        Output output;

        Control(Context context) {
            this.context = context;
        }

        abstract JsonNode send();

        @Override
        public Integer call() {
            var job = send();
            Output.show(job, output, context.out(), out -> out.println("job " + job.path("job_id").asText(jobId) + ": "
                    + job.path("status").asText() + " - " + job.path("message").asText("")));
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "cancel", description = "Cancel a job; its worker stops at a checkpoint.")
    static final class Cancel extends Control {
        Cancel(Context context) {
            super(context);
        }

        @Override
        JsonNode send() {
            return context.api().delete("/jobs/" + jobId);
        }
    }

    @Command(name = "pause", description = "Pause a running job at a checkpoint; resume continues from there.")
    static final class Pause extends Control {
        Pause(Context context) {
            super(context);
        }

        @Override
        JsonNode send() {
            return context.api().post("/jobs/" + jobId + "/pause", Map.of());
        }
    }

    @Command(name = "resume", description = "Resume a paused job from its last checkpoint.")
    static final class Resume extends Control {
        Resume(Context context) {
            super(context);
        }

        @Override
        JsonNode send() {
            return context.api().post("/jobs/" + jobId + "/resume", Map.of());
        }
    }
}
