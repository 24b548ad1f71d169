package io.agentforge.cli.commands;

import io.agentforge.cli.follow.Follower;
import io.agentforge.cli.follow.FollowView;
import io.agentforge.cli.server.ApiException;
import io.agentforge.cli.server.ForgeClient;
import io.agentforge.cli.server.ServerAddress;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every command is given: where to print, the environment, whether stdout is a terminal, and (resolved on first
 * use, from the global flags) where the server is.
 */
public final class Context {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final boolean terminal;
    private final Supplier<ServerAddress.Flags> flags;
    private ServerAddress address;
    private ServerAddress streaming;
    private ForgeClient api;

    public Context(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal,
                   Supplier<ServerAddress.Flags> flags) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
        this.flags = flags;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** Whether stdout is an interactive terminal (bars, colours, screen redraws); never true for a pipe or file. */
    public boolean terminal() {
        return terminal;
    }

    public ServerAddress address() {
        if (address == null) {
            address = ServerAddress.resolve(flags.get(), env);
        }
        return address;
    }

    /**
     * The address with the WebSocket where the API says it is, when none was configured: the API's
     * {@code GET /dashboard/config} names it; an API without that route leaves the derived one (port 8003).
     */
    public ServerAddress streamingAddress() {
        if (streaming == null) {
            streaming = address();
            if (!streaming.websocketGiven()) {
                try {
                    var config = api().get("/dashboard/config");
                    streaming = streaming.announced(config.path("websocket_url").asText(null),
                            config.path("websocket_port").asInt(0));
                } catch (ApiException e) {
                    // no such route on this server: the derived address stands
                }
            }
        }
        return streaming;
    }

    /** The public API. */
    public ForgeClient api() {
        if (api == null) {
            api = new ForgeClient(address().api(), address().token());
        }
        return api;
    }

    public ForgeClient monitoring() {
        return new ForgeClient(address().monitoring(), address().token());
    }

    public Follower follower() {
        return new Follower(streamingAddress(), err);
    }

    public FollowView view(Output output) {
        return FollowView.of(output.name().toLowerCase(), terminal, out, err);
    }
}
