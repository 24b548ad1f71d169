package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One plain line per event, for logs and pipes: no colour, no cursor movement, nothing but text.
 * <pre>09:37:03 cognate  step 3/30  10%  loss 5.5102  lr 1.8e-04  11,402 tok/s  cognate run seed 42: step 3</pre>
 */
public final class LineView implements FollowView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean ended = new AtomicBoolean();

    LineView(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public synchronized void show(JsonNode message) {
        if (!ended.get()) {
            out.println(line(Progress.of(message)));
            out.flush();
        }
    }

    static String line(Progress progress) {
        var line = new StringBuilder(TIME.format(progress.timestamp())).append(' ')
                .append(progress.lane().isEmpty() ? "-" : progress.lane());
        if (progress.isStep()) {
            line.append("  step ").append(progress.step()).append('/').append(progress.total());
        } else {
            line.append("  ").append(progress.type().replace('_', ' '));
            if (!progress.status().isEmpty()) {
                line.append(" (").append(progress.status()).append(')');
            }
        }
        if (progress.fraction() >= 0) {
            line.append(String.format(Locale.ROOT, "  %3.0f%%", progress.fraction() * 100));
        }
        var metrics = progress.metricsText();
        if (!metrics.isEmpty()) {
            line.append("  ").append(metrics);
        }
        if (!progress.message().isEmpty()) {
            line.append("  ").append(firstLine(progress.message()));
        }
        return line.toString();
    }

    @Override
    public void note(String text) {
        err.println("forge: " + text);
    }

    @Override
    public synchronized void end(Outcome outcome) {
        if (!ended.getAndSet(true) && outcome.terminal()) {
            out.println(LineView.endLine(outcome));
            out.flush();
        }
    }

    /** E.g. {@code completed: 4 models saved}; the first line of the message only (a failure's has a log tail). */
    static String endLine(Outcome outcome) {
        var message = outcome.message() == null ? "" : firstLine(outcome.message());
        if (message.startsWith(outcome.status() + ": ")) {
            message = message.substring(outcome.status().length() + 2);
        }
        return outcome.status() + (message.isEmpty() ? "" : ": " + message);
    }

    static String firstLine(String text) {
        var newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
