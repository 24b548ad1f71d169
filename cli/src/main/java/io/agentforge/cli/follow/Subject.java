package io.agentforge.cli.follow;

import io.agentforge.cli.server.EventStream;

import java.util.List;
import java.util.Optional;

/** What is followed (one job, or the pipeline): its topics and how its events and snapshots end it. */
public interface Subject {
    List<String> topics();

    /** Shows what happened before a fresh (not resumed) subscription, from the REST API. */
    void catchUp(FollowView view);

    /** The terminal outcome per the REST API, if the run has ended; {@code lastEventId} goes into it. */
    Optional<Outcome> ended(String lastEventId);

    /** The terminal outcome an event announces, if it is one. */
    Optional<Outcome> ends(EventStream.Item.Message message, String lastEventId);

    /** Whether the view should show this message (e.g. not a step already shown from the history). */
    boolean shows(EventStream.Item.Message message);

    /** The command that picks the stream up again. */
    String watchAgain(String lastEventId);
}
