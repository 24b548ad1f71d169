package io.agentforge.cli;

import io.agentforge.api.ApiService;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.api.ApiServiceConfig;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.jobs.SchedulerSettings;
import io.agentforge.training.jobs.TrainingJobs;
import io.agentforge.websocket.WebSocketServer;
import io.agentforge.websocket.WebSocketSettings;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The services the CLI talks to, real and in this JVM on free ports, wired as the all-in-one start wires them (one
 * database, the in-process bus, the real Training service with worker JVMs). The WebSocket service is started apart
 * so that a test can restart it on the same port while the bus and its history live on.
 */
final class LiveServices implements AutoCloseable {
    /** A Cognate run of a few seconds: 3 models x steps on the tiny preset. */
    static final List<String> TINY = List.of("-p", "model_preset=tiny", "-p", "batch_size=4",
            "-p", "max_train_samples=100", "-p", "max_eval_samples=10");

    private final Database database;
    private final InProcessEventBus bus;
    private final ModelRegistry models;
    private final TrainingJobs training;
    private final ApiService api;
    private WebSocketServer websocket;
    private final int websocketPort;

    LiveServices(Path dir) {
        database = Database.open(null, dir.resolve("db"), TrainingServer.SCHEMA, ModelServer.SCHEMA);
        bus = new InProcessEventBus();
        models = ModelServer.registry(new ModelServiceConfig(0, dir.resolve("models"), 50_000_000), database, bus);
        training = TrainingJobs.start(database, bus, models, SchedulerSettings.defaults(2, dir));
        api = new ApiService(new ApiServiceConfig(0, List.of()), training, models, bus, List.of(), List.of()).start();
        websocket = WebSocketServer.create(WebSocketSettings.defaults(), 0, bus, List.of()).start();
        websocketPort = websocket.port();
    }

    /** Stops the WebSocket service (every client is disconnected) and starts a new one on the same port. */
    void restartWebSocket() {
        websocket.close();
        websocket = WebSocketServer.create(WebSocketSettings.defaults(), websocketPort, bus, List.of()).start();
    }

    /** The environment that points forge at these services. */
    Map<String, String> env() {
        var env = new HashMap<String, String>();
        env.put("AGENT_FORGE_URL", "http://localhost:" + api.port());
        env.put("AGENT_FORGE_WS_URL", "ws://localhost:" + websocketPort + "/ws");
        env.put("XDG_CONFIG_HOME", "/nonexistent");
        return env;
    }

    /** Runs forge in this JVM, its stdout not a terminal (as in a pipe). */
    Run forge(String... args) {
        return Run.of(env(), args);
    }

    /** forge in a JVM of its own, with the class path its jar runs with (written by the build), stdout a pipe. */
    ProcessBuilder forgeProcess(String... args) throws IOException {
        var javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
        var command = new ArrayList<>(List.of(javaBin, "-cp", classPath, Forge.class.getName()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().putAll(env());
        return builder;
    }

    /** One finished forge invocation. */
    record Run(int exit, String out, String err, long millis) {
        static Run of(Map<String, String> env, String... args) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            var started = System.nanoTime();
            var exit = Forge.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env, false);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - started) / 1_000_000);
        }

        List<String> lines() {
            return out.lines().toList();
        }
    }

    @Override
    public void close() {
        websocket.close();
        api.close();
        training.close();
        models.close();
        bus.close();
        database.close();
    }
}
