package io.agentforge.cli.follow;

import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.server.EventStream;
import io.agentforge.cli.server.EventStream.Item;
import io.agentforge.cli.server.ServerAddress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a {@link Subject} over the WebSocket until it ends, the timeout passes, or the user presses Ctrl-C, and
 * says which in an {@link Outcome}. It never cancels anything: Ctrl-C detaches and prints how to watch again.
 *
 * <p>After every subscription the REST snapshot is read as well, so a run that ended while the client was away (or
 * before it subscribed) is not waited on forever. When the subscription resumed from an event id, the replay is
 * given a moment to bring the terminal event itself before the snapshot decides.
 */
public final class Follower {
    private static final Duration REPLAY_GRACE = Duration.ofMillis(1500);
    private static final Duration TICK = Duration.ofMillis(250);

    private final ServerAddress address;
    private final PrintStream err;

    public Follower(ServerAddress address, PrintStream err) {
        this.address = address;
        this.err = err;
    }

    /**
     * @param since   resume after this event id (null: show the history from the REST API, then live events)
     * @param timeout stop waiting after this (exit 4; the run goes on); null for no limit
     */
    public Outcome follow(Subject subject, String since, Duration timeout, FollowView view) {
        var deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (var stream = EventStream.open(address.websocket(), address.token(), subject.topics(), since)) {
            var detach = Thread.ofPlatform().unstarted(() -> detached(subject, stream, view));
            Runtime.getRuntime().addShutdownHook(detach);
            try {
                var outcome = loop(subject, stream, deadline, timeout, view);
                view.end(outcome);
                switch (outcome.reason()) {
                    case "timeout" -> err.println("forge: " + outcome.message() + ". Watch again: "
                            + subject.watchAgain(outcome.lastEventId()));
                    case "unreachable" -> err.println("forge: " + outcome.message());
                    case null, default -> {
                    }
                }
                return outcome;
            } finally {
                removeHook(detach);
            }
        }
    }

    private Outcome loop(Subject subject, EventStream stream, long deadline, Duration timeout, FollowView view) {
        var subscriptions = 0;
        var caughtUp = false;
        Outcome pending = null;
        long pendingUntil = 0;
        try {
            while (true) {
                var left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Outcome.stopped("timeout", ExitCodes.TIMEOUT, "--timeout " + format(timeout)
                            + " reached; the run goes on", stream.lastEventId());
                }
                if (pending != null && System.nanoTime() >= pendingUntil) {
                    return pending;
                }
                var item = stream.next(Duration.ofNanos(Math.min(left, TICK.toNanos())));
                switch (item) {
                    case null -> {
                    }
                    case Item.Subscribed subscribed -> {
                        if (++subscriptions < subject.topics().size()) {
                            continue;
                        }
                        subscriptions = 0;
                        if (subscribed.since() == null && !caughtUp) {
                            subject.catchUp(view);
                            caughtUp = true;
                        }
                        var ended = subject.ended(stream.lastEventId());
                        if (ended.isPresent()) {
                            if (subscribed.since() == null) {
                                return ended.get();
                            }
                            pending = ended.get();
                            pendingUntil = System.nanoTime() + REPLAY_GRACE.toNanos();
                        }
                    }
                    case Item.Message message -> {
                        if (subject.shows(message)) {
                            view.show(message.json());
                        }
                        Optional<Outcome> ends = subject.ends(message, stream.lastEventId());
                        if (ends.isPresent()) {
                            return ends.get();
                        }
                    }
                    case Item.Problem problem -> view.note(problem.code() + ": " + problem.message());
                    case Item.Lost lost -> view.note("connection lost (" + lost.reason() + "); resuming"
                            + (lost.lastEventId() == null ? "" : " after event " + lost.lastEventId()));
                    case Item.Unreachable unreachable -> {
                        return Outcome.stopped("unreachable", ExitCodes.UNREACHABLE, unreachable.reason(),
                                stream.lastEventId());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.stopped("detached", ExitCodes.INTERRUPTED, "interrupted", stream.lastEventId());
        }
    }

    /** The Ctrl-C path (a shutdown hook): end the view and say how to come back. The JVM then exits with 130. */
    private void detached(Subject subject, EventStream stream, FollowView view) {
        var again = subject.watchAgain(stream.lastEventId());
        view.end(Outcome.stopped("detached", ExitCodes.INTERRUPTED, "detached; the run goes on", stream.lastEventId()));
        err.println("forge: detached; the run goes on. Watch again: " + again);
        err.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running, let it finish
        }
    }

    static String format(Duration duration) {
        return duration == null ? "none" : duration.toString().substring(2).toLowerCase();
    }
}
