package io.agentforge.cli.commands;

import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.server.EventStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code forge events --topic T [--since id] -o ndjson}: the raw WebSocket, one message a line, resuming without a gap
 * after a dropped connection, until Ctrl-C, {@code --count} messages or {@code --timeout}.
 */
@Command(name = "events", description = "The raw WebSocket stream of one or more topics, one JSON message a line.")
public final class EventsCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "<topic>",
            description = "training_updates, model_updates, admin_alerts, system_metrics, agent_forge_phases, "
                    + "pipeline or jobs/<job id> (repeatable).")
    List<String> topics;

    @Option(names = "--since", paramLabel = "<event id>", description = "Replay what came after this event first.")
    String since;

    @Option(names = "--count", paramLabel = "<n>", description = "Stop after this many messages.")
    Integer count;

    @Option(names = "--timeout", converter = Arguments.DurationConverter.class, paramLabel = "<duration>",
            description = "Stop after this long (exit 0).")
    Duration timeout;

    @Option(names = {"-o", "--output"}, defaultValue = "ndjson", paramLabel = "ndjson|table")
    Output output;

    EventsCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        var address = context.streamingAddress();
        var deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        var view = context.view(output == Output.TABLE ? Output.TABLE : Output.NDJSON);
        var printed = 0;
        try (var stream = EventStream.open(address.websocket(), address.token(), topics, since)) {
            while (count == null || printed < count) {
                var left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                switch (stream.next(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())))) {
                    case EventStream.Item.Message message -> {
                        if (output == Output.TABLE) {
                            view.show(message.json());
                        } else {
                            context.out().println(message.json().toString());
                            context.out().flush();
                        }
                        printed++;
                    }
                    case EventStream.Item.Problem problem ->
                            context.err().println("forge: " + problem.code() + ": " + problem.message());
                    case EventStream.Item.Lost lost -> context.err().println("forge: connection lost ("
                            + lost.reason() + "); resuming");
                    case EventStream.Item.Unreachable unreachable -> {
                        context.err().println("forge: server unreachable: " + unreachable.reason());
                        return ExitCodes.UNREACHABLE;
                    }
                    case null, default -> {
                    }
                }
            }
        }
        return ExitCodes.COMPLETED;
    }
}
