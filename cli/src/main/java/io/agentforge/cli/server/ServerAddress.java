package io.agentforge.cli.server;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the services are and the token to show them. Each setting comes from the first of: a command-line flag, an
 * environment variable, the config file ({@code url}, {@code ws_url}, {@code monitoring_url}, {@code token} in
 * {@code ~/.config/agent-forge/cli.properties}, or the file {@code AGENT_FORGE_CONFIG} names), a default.
 * The API defaults to {@code http://localhost:8000}; the WebSocket and Monitoring, which the API does not announce,
 * are on the API's host at their default ports 8003 ({@code /ws}) and 8004.
 *
 * @param api        the public REST API
 * @param websocket  the {@code /ws} endpoint
 * @param monitoring the Monitoring service ({@code forge top})
 * @param token      sent as {@code Authorization: Bearer <token>}
 * @param websocketGiven whether the WebSocket address was configured (else it was derived, and the API may know
 *                   better)
 */
public record ServerAddress(URI api, URI websocket, URI monitoring, Optional<String> token, boolean websocketGiven) {
    public static final String DEFAULT_API = "http://localhost:8000";
    public static final int DEFAULT_WEBSOCKET_PORT = 8003;
    public static final int DEFAULT_MONITORING_PORT = 8004;

    /** The values given on the command line; null where a flag was not given. */
    public record Flags(String url, String wsUrl, String monitoringUrl, String token, Path config) {
    }

    /**
     * @throws IllegalArgumentException naming the flag, variable or file entry whose value is not a usable address
     */
    public static ServerAddress resolve(Flags flags, Map<String, String> env) {
        var file = configFile(flags.config(), env);
        var settings = new Settings(env, file.map(ServerAddress::load).orElseGet(Properties::new),
                file.map(Path::toString).orElse(""));
        var api = settings.get(flags.url(), "--url", "AGENT_FORGE_URL", "url");
        var apiUri = api == null ? URI.create(DEFAULT_API) : api.uri("http", "https");
        var ws = settings.get(flags.wsUrl(), "--ws-url", "AGENT_FORGE_WS_URL", "ws_url");
        var monitoring = settings.get(flags.monitoringUrl(), "--monitoring-url", "AGENT_FORGE_MONITORING_URL",
                "monitoring_url");
        var token = settings.get(flags.token(), "--token", "AGENT_FORGE_TOKEN", "token");
        var wsScheme = apiUri.getScheme().equals("https") ? "wss" : "ws";
        return new ServerAddress(apiUri,
                ws == null ? sibling(apiUri, wsScheme, DEFAULT_WEBSOCKET_PORT, "/ws") : ws.uri("ws", "wss"),
                monitoring == null ? sibling(apiUri, apiUri.getScheme(), DEFAULT_MONITORING_PORT, null)
                        : monitoring.uri("http", "https"),
                Optional.ofNullable(token).map(Setting::value).filter(t -> !t.isBlank()), ws != null);
    }

    /**
     * The WebSocket the API announces ({@code GET /dashboard/config}: {@code websocket_url}, else
     * {@code websocket_port} on the API's host) instead of the derived one.
     */
    public ServerAddress announced(String websocketUrl, int websocketPort) {
        if (websocketUrl != null && !websocketUrl.isBlank()) {
            return new ServerAddress(api, new Setting(websocketUrl, "the API's websocket_url").uri("ws", "wss"),
                    monitoring, token, true);
        }
        if (websocketPort > 0) {
            return new ServerAddress(api, sibling(api, websocket.getScheme(), websocketPort, "/ws"), monitoring, token,
                    true);
        }
        return this;
    }

    /** A value and where it came from (a flag, a variable or a file entry), to name it when it is wrong. */
    private record Setting(String value, String origin) {
        URI uri(String scheme, String secureScheme) {
            try {
                var uri = new URI(value.strip().replaceAll("/+$", ""));
                if (uri.getHost() != null && (scheme.equals(uri.getScheme()) || secureScheme.equals(uri.getScheme()))) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new IllegalArgumentException(origin + ": expected " + scheme + "://host[:port][/path] or "
                    + secureScheme + "://..., got \"" + value + "\"");
        }
    }

    private record Settings(Map<String, String> env, Properties file, String fileName) {
        Setting get(String flag, String flagName, String variable, String key) {
            if (flag != null) {
                return new Setting(flag, flagName);
            }
            var fromEnv = env.get(variable);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return new Setting(fromEnv, variable);
            }
            var fromFile = file.getProperty(key);
            return fromFile == null ? null : new Setting(fromFile, fileName + ": " + key);
        }
    }

    /** The file given with --config or AGENT_FORGE_CONFIG (which must exist), else the default one if it exists. */
    static Optional<Path> configFile(Path flag, Map<String, String> env) {
        var named = flag != null ? flag : env.containsKey("AGENT_FORGE_CONFIG") ? Path.of(env.get("AGENT_FORGE_CONFIG"))
                : null;
        if (named != null) {
            if (!Files.isRegularFile(named)) {
                throw new IllegalArgumentException("config file " + named + " does not exist");
            }
            return Optional.of(named);
        }
        var base = env.containsKey("XDG_CONFIG_HOME") ? Path.of(env.get("XDG_CONFIG_HOME"))
                : Path.of(System.getProperty("user.home"), ".config");
        var standard = base.resolve("agent-forge").resolve("cli.properties");
        return Files.isRegularFile(standard) ? Optional.of(standard) : Optional.empty();
    }

    private static Properties load(Path file) {
        var properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage());
        }
        return properties;
    }

    private static URI sibling(URI api, String scheme, int port, String path) {
        try {
            return new URI(scheme, null, api.getHost(), port, path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot derive an address from " + api + ": " + e.getMessage());
        }
    }
}
