package io.agentforge.cli.commands;

import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.follow.FollowView;
import io.agentforge.cli.follow.JobSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code forge logs <job> [-f]}: a job's log as plain lines: every recorded step (loss, learning rate, throughput,
 * the worker's message), then how it ended, with the worker's own last lines when it failed. {@code -f} follows it.
 */
@Command(name = "logs", description = "A job's steps and messages as plain lines; -f follows until it ends.")
public final class LogsCommand implements Callable<Integer> {
    private final Context context;

    @Parameters(index = "0", paramLabel = "<job>")
    String jobId;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until the job ends (exit codes as run watch).")
    boolean follow;

    LogsCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        // Lines whatever the terminal: a log is for reading and grepping, bars are run watch's.
        var view = FollowView.of("lines", false, context.out(), context.err());
        var subject = new JobSubject(context.api(), jobId);
        if (follow) {
            return context.follower().follow(subject, null, null, view).exitCode();
        }
        subject.catchUp(view);
        var job = context.api().get("/jobs/" + jobId);
        var status = job.path("status").asText();
        var error = job.path("error_message").asText("");
        var message = job.path("message").asText("");
        context.out().println(message.startsWith(status) ? message : status + ": " + message);
        if (!error.isEmpty()) {
            context.out().println(error);
        }
        return ExitCodes.COMPLETED;
    }
}
