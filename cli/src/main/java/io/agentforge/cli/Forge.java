package io.agentforge.cli;

import io.agentforge.cli.commands.ChatCommand;
import io.agentforge.cli.commands.Context;
import io.agentforge.cli.commands.EventsCommand;
import io.agentforge.cli.commands.LogsCommand;
import io.agentforge.cli.commands.ModelsCommand;
import io.agentforge.cli.commands.PhasesCommand;
import io.agentforge.cli.commands.PipelineCommand;
import io.agentforge.cli.commands.RunCommand;
import io.agentforge.cli.commands.RunsCommand;
import io.agentforge.cli.commands.TopCommand;
import io.agentforge.cli.commands.UsageException;
import io.agentforge.cli.server.ApiException;
import io.agentforge.cli.server.ServerAddress;
import io.agentforge.cli.server.ServerUnreachableException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code forge}: the command tree, the global connection flags, and the one place where outcomes become exit codes
 * and errors become one line on stderr.
 */
@Command(name = "forge", mixinStandardHelpOptions = true, versionProvider = Forge.Version.class,
        description = "Agent Forge from the terminal: start phases and follow them to their end.",
        footer = {"", "Server: --url, AGENT_FORGE_URL or url= in ~/.config/agent-forge/cli.properties "
                + "(default " + ServerAddress.DEFAULT_API + "); token: --token, AGENT_FORGE_TOKEN or token=.",
                "Exit codes: 0 completed, 1 failed, 2 usage, 3 cancelled, 4 --timeout reached (the run goes on), "
                        + "5 server unreachable, 130 Ctrl-C (detached, the run goes on)."},
        subcommands = {PhasesCommand.class, RunCommand.class, RunsCommand.class, LogsCommand.class,
                PipelineCommand.class, ModelsCommand.class, ChatCommand.class, EventsCommand.class, TopCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Forge {
    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "<url>",
            description = "The API, e.g. http://localhost:8000 (env AGENT_FORGE_URL).")
    String url;

    @Option(names = "--ws-url", scope = ScopeType.INHERIT, paramLabel = "<url>",
            description = "The WebSocket, e.g. ws://localhost:8003/ws (env AGENT_FORGE_WS_URL; default: the API's "
                    + "host, port 8003).")
    String wsUrl;

    @Option(names = "--monitoring-url", scope = ScopeType.INHERIT, paramLabel = "<url>",
            description = "The Monitoring service for 'top' (env AGENT_FORGE_MONITORING_URL; default: the API's "
                    + "host, port 8004).")
    String monitoringUrl;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "<token>",
            description = "Sent as 'Authorization: Bearer <token>' (env AGENT_FORGE_TOKEN).")
    String token;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "<file>",
            description = "A properties file with url, ws_url, monitoring_url, token (env AGENT_FORGE_CONFIG; "
                    + "default ~/.config/agent-forge/cli.properties).")
    Path config;

    public static void main(String[] args) {
        var console = System.console();
        var terminal = console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
        System.exit(run(args, System.out, System.err, System.getenv(), terminal));
    }

    /**
     * Runs one command line and returns its exit code; tests call this with their own streams and environment.
     *
     * @param terminal whether {@code out} is an interactive terminal (bars and colours only then)
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        var forge = new Forge();
        var context = new Context(out, err, env, terminal,
                () -> new ServerAddress.Flags(forge.url, forge.wsUrl, forge.monitoringUrl, forge.token, forge.config));
        var commandLine = new CommandLine(forge, new Factory(context));
        commandLine.setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setColorScheme(CommandLine.Help.defaultColorScheme(
                        terminal ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Forge::usageError)
                .setExecutionExceptionHandler((e, line, parsed) -> failure(e, err));
        return commandLine.execute(args);
    }

    /** A malformed command line: one line naming what was wrong, and where the help is. Exit 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        var command = e.getCommandLine().getCommandSpec().qualifiedName();
        e.getCommandLine().getErr().println("forge: " + e.getMessage() + " (see '" + command + " --help')");
        return ExitCodes.USAGE;
    }

    /** Every failure of a command, as one line on stderr and its exit code. */
    static int failure(Exception e, PrintStream err) {
        var code = switch (e) {
            case ServerUnreachableException unreachable -> {
                err.println("forge: server unreachable: " + unreachable.getMessage());
                yield ExitCodes.UNREACHABLE;
            }
            case ApiException api -> {
                err.println("forge: " + api.getMessage() + (api.status() == 401 || api.status() == 403
                        ? " (check --token / AGENT_FORGE_TOKEN)" : ""));
                yield ExitCodes.FAILED;
            }
            case UsageException usage -> {
                err.println("forge: " + usage.getMessage());
                yield ExitCodes.USAGE;
            }
            case IllegalArgumentException bad -> {
                err.println("forge: " + bad.getMessage());
                yield ExitCodes.USAGE;
            }
            default -> {
                err.println("forge: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                yield ExitCodes.FAILED;
            }
        };
        err.flush();
        return code;
    }

    /** Builds commands whose constructor takes the {@link Context}; anything else (picocli's own) as usual. */
    private record Factory(Context context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                var constructor = type.getDeclaredConstructor(Context.class);
                constructor.setAccessible(true);
                return constructor.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** The version from the jar's manifest (the build sets it), else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var version = Forge.class.getPackage().getImplementationVersion();
            return new String[]{"forge " + (version == null ? "development" : version)};
        }
    }
}
