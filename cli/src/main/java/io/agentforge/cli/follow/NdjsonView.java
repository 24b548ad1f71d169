package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One JSON object per line, for programs: every message as the server sent it, then one last line
 * {@code {"terminal":true,"status":...,"exit_code":...}} however the stream ended (with {@code reason} when the run goes
 * on: {@code timeout}, {@code detached}, {@code unreachable}). Notes go to stderr, so stdout stays parseable.
 */
public final class NdjsonView implements FollowView {
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean ended = new AtomicBoolean();

    NdjsonView(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public synchronized void show(JsonNode message) {
        if (!ended.get()) {
            out.println(message.toString());
            out.flush();
        }
    }

    @Override
    public void note(String text) {
        err.println("forge: " + text);
    }

    @Override
    public synchronized void end(Outcome outcome) {
        if (ended.getAndSet(true)) {
            return;
        }
        var line = new LinkedHashMap<String, Object>();
        line.put("terminal", true);
        line.put("status", outcome.status());
        if (outcome.reason() != null) {
            line.put("reason", outcome.reason());
        }
        line.put("exit_code", outcome.exitCode());
        line.put("message", outcome.message());
        line.put("last_event_id", outcome.lastEventId());
        out.println(Json.write(line));
        out.flush();
    }
}
