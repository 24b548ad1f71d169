package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.server.EventStream;
import io.agentforge.cli.server.ForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code forge runs list [-w]}: the jobs, newest first; {@code -w} then prints each change as it happens. */
@Command(name = "runs", description = "List training jobs.", subcommands = RunsCommand.ListRuns.class)
public final class RunsCommand {

    @Command(name = "list", description = "The jobs, newest first; -w keeps printing one line per change "
            + "(state changes, and progress at most every 2 s per job) until Ctrl-C.")
    static final class ListRuns implements Callable<Integer> {
        private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
        private final Context context;

        @Option(names = "--phase", paramLabel = "<phase>")
        String phase;

        @Option(names = "--status", paramLabel = "<status>", description = "pending, running, completed, failed or "
                + "cancelled.")
        String status;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Option(names = {"-w", "--watch"}, description = "After the list, print each change until Ctrl-C.")
        boolean watch;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|ndjson")
        Output output;

        ListRuns(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws InterruptedException {
            var query = new LinkedHashMap<String, Object>();
            query.put("phase", phase);
            query.put("status", status);
            query.put("limit", limit);
            var page = context.api().get("/jobs" + ForgeClient.query(query));
            var jobs = page.has("items") ? page.get("items") : page;
            if (output == Output.TABLE) {
                var table = new Table("JOB", "PHASE", "STATUS", "PROGRESS", "STEP", "CREATED", "MESSAGE");
                jobs.forEach(job -> table.row(job.path("job_id").asText(), job.path("phase").asText(),
                        job.path("status").asText(), percent(job.path("progress").asDouble()),
                        job.path("current_step").asLong(), job.path("created_at").asText(),
                        job.path("message").asText("")));
                table.print(context.out());
            } else {
                Output.print(output == Output.NDJSON ? jobs : page, output, context.out());
            }
            return watch ? watch() : ExitCodes.COMPLETED;
        }

        /** Like kubectl get -w: one line per change, from the training_updates topic, until Ctrl-C. */
        private int watch() throws InterruptedException {
            var lastShown = new HashMap<String, Long>();
            var address = context.streamingAddress();
            try (var stream = EventStream.open(address.websocket(), address.token(), List.of("training_updates"),
                    null)) {
                while (true) {
                    switch (stream.next(Duration.ofSeconds(1))) {
                        case EventStream.Item.Message message -> {
                            var data = message.json().path("data");
                            if (phase != null && !phase.equals(data.path("phase").asText())) {
                                continue;
                            }
                            var now = System.nanoTime();
                            var jobId = data.path("job_id").asText();
                            if ("training_progress".equals(message.type()) && now - lastShown.getOrDefault(jobId,
                                    Long.MIN_VALUE / 2) < PROGRESS_EVERY.toNanos()) {
                                continue;
                            }
                            lastShown.put(jobId, now);
                            print(message, data);
                        }
                        case EventStream.Item.Unreachable unreachable -> {
                            context.err().println("forge: " + unreachable.reason());
                            return ExitCodes.UNREACHABLE;
                        }
                        case EventStream.Item.Lost lost -> context.err().println("forge: connection lost ("
                                + lost.reason() + "); resuming");
                        case null, default -> {
                        }
                    }
                }
            }
        }

        private void print(EventStream.Item.Message message, JsonNode data) {
            if (output != Output.TABLE) {
                context.out().println(message.json().toString());
            } else {
                context.out().println(String.join("  ", data.path("job_id").asText(), data.path("phase").asText(),
                        data.path("status").asText(), percent(data.path("progress").asDouble()),
                        String.valueOf(data.path("current_step").asLong()), message.type(),
                        data.path("message").asText("")));
            }
            context.out().flush();
        }
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
