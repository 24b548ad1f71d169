package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code forge top}: the Monitoring service's overview (every service's health, system metrics, alerts), redrawn
 * every {@code --interval} on a terminal, printed once otherwise or with {@code --once}.
 */
@Command(name = "top", description = "Service health, system metrics and alerts, like kubectl top; redraws on a "
        + "terminal until Ctrl-C.")
public final class TopCommand implements Callable<Integer> {
    private static final String CLEAR = "\u001b[H\u001b[2J";

    private final Context context;

    @Option(names = "--once", description = "Print one snapshot and exit.")
    boolean once;

    @Option(names = "--interval", defaultValue = "2s", converter = Arguments.DurationConverter.class,
            paramLabel = "<duration>")
    Duration interval;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
    Output output;

    TopCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        var monitoring = context.monitoring();
        var redraw = context.terminal() && !once && output == Output.TABLE;
        do {
            var overview = monitoring.get("/overview");
            var alerts = monitoring.get("/alerts?active=true");
            if (output != Output.TABLE) {
                Output.print(overview, output, context.out());
                return ExitCodes.COMPLETED;
            }
            if (redraw) {
                context.out().print(CLEAR);
            }
            print(overview, alerts, context.out());
            context.out().flush();
            if (redraw) {
                Thread.sleep(interval);
            }
        } while (redraw);
        return ExitCodes.COMPLETED;
    }

    static void print(JsonNode overview, JsonNode alerts, PrintStream out) {
        var system = overview.path("system_metrics");
        out.println(String.format(Locale.ROOT, "agent forge: %s   cpu %.0f%%   memory %.0f%%   disk %.0f%%   up %.0f s",
                overview.path("overall_status").asText("unknown"), system.path("cpu_usage").asDouble() * 100,
                system.path("memory_usage").asDouble() * 100, system.path("disk_usage").asDouble() * 100,
                overview.path("uptime").asDouble()));
        out.println();
        var services = new Table("SERVICE", "STATUS", "RESPONSE", "ERRORS", "UPTIME", "CHECKED");
        overview.path("service_health").forEach(health -> services.row(health.path("service_name").asText(),
                health.path("status").asText(), String.format(Locale.ROOT, "%.1f ms", health.path("response_time")
                        .asDouble()), String.format(Locale.ROOT, "%.1f%%", health.path("error_rate").asDouble() * 100),
                String.format(Locale.ROOT, "%.1f%%", health.path("uptime_percentage").asDouble()),
                health.path("last_check").asText()));
        services.print(out);
        out.println();
        var list = alerts.has("items") ? alerts.get("items") : alerts;
        if (list.isEmpty()) {
            out.println("no active alerts");
            return;
        }
        var table = new Table("SEVERITY", "SERVICE", "SINCE", "ALERT");
        list.forEach(alert -> table.row(alert.path("severity").asText(), alert.path("service").asText(),
                alert.path("timestamp").asText(), alert.path("message").asText()));
        table.print(out);
    }
}
