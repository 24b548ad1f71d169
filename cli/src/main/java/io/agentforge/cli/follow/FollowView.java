package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;

/**
 * How a followed run is shown: progress bars on a terminal, one plain line per event otherwise, or the events
 * themselves as NDJSON. {@link #end} may be called twice (the run ending as Ctrl-C arrives); only the first counts.
 */
public sealed interface FollowView permits BarView, LineView, NdjsonView {

    /** A server message about the run (an event, or a history point dressed as one). */
    void show(JsonNode message);

    /** Something the user should know that is not an event (a lost connection, a server warning). */
    void note(String text);

    void end(Outcome outcome);

    /** The view for an output format: {@code ndjson} and {@code json} as NDJSON, else bars on a terminal, else lines. */
    static FollowView of(String format, boolean terminal, PrintStream out, PrintStream err) {
        return switch (format) {
            case "ndjson", "json" -> new NdjsonView(out, err);
            default -> terminal ? new BarView(out, err) : new LineView(out, err);
        };
    }
}
