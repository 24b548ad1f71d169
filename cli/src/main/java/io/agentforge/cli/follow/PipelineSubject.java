package io.agentforge.cli.follow;

import io.agentforge.cli.server.EventStream;
import io.agentforge.cli.server.ForgeClient;

import java.util.List;
import java.util.Optional;

/**
 * The pipeline: its {@code pipeline} topic for the run as a whole and {@code agent_forge_phases} for each phase's
 * progress (one bar per phase), with {@code GET /pipeline/status} as the last word.
 */
public final class PipelineSubject implements Subject {
    private final ForgeClient api;

    public PipelineSubject(ForgeClient api) {
        this.api = api;
    }

    @Override
    public List<String> topics() {
        return List.of("pipeline", "agent_forge_phases");
    }

    @Override
    public void catchUp(FollowView view) {
        // The pipeline keeps no event history of its own; the status read next says where it is.
    }

    @Override
    public Optional<Outcome> ended(String lastEventId) {
        var status = api.get("/pipeline/status");
        var state = status.path("status").asText();
        // idle after a run means a reset stopped it
        return Optional.ofNullable(Outcome.ofStatus("idle".equals(state) ? "cancelled" : state,
                status.path("message").asText(""), lastEventId));
    }

    @Override
    public Optional<Outcome> ends(EventStream.Item.Message message, String lastEventId) {
        if (!"pipeline_complete".equals(message.type())) {
            return Optional.empty();
        }
        var data = message.json().path("data");
        return Optional.ofNullable(Outcome.ofStatus(data.path("status").asText(), data.path("message").asText(""),
                lastEventId));
    }

    @Override
    public boolean shows(EventStream.Item.Message message) {
        return true;
    }

    @Override
    public String watchAgain(String lastEventId) {
        return "forge pipeline status --follow" + (lastEventId == null ? "" : " --since " + lastEventId);
    }
}
