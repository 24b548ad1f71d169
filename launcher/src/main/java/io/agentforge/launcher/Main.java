package io.agentforge.launcher;

import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.launcher.config.ConfigException;
import io.agentforge.platform.config.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code agent-forge start [service]}: reads the configuration, starts all five services (or the one named, or the one
 * of {@code SERVICE_NAME}) and runs until Ctrl-C or SIGTERM, then stops them cleanly. Exit code 2 for a usage or
 * configuration error, 1 when a service cannot start.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    static final String USAGE = """
            usage: agent-forge start [service]   run all five services in this process, or one of:
                                                 %s
                   agent-forge healthcheck [service]
                                                 exit 0 when the service(s) this configuration runs here
                                                 answer GET /health with 200 (healthy or degraded), else 1
                   agent-forge help              this text
            Configuration comes from environment variables; see README.md.""".formatted(ServiceName.choices());

    private Main() {
    }

    /** What the command line asks for. */
    sealed interface Command {
        /** Start the named service, or all of them when none is named. */
        record Start(Optional<ServiceName> service) implements Command {
        }

        /** Ask the named service, or every service a {@code start} with this configuration would run. */
        record HealthCheck(Optional<ServiceName> service) implements Command {
        }

        record Help() implements Command {
        }

        record Invalid(String reason) implements Command {
        }
    }

    static Command parse(String... args) {
        if (args.length == 0) {
            return new Command.Invalid("no command given");
        }
        return switch (args[0]) {
            case "help", "--help", "-h" -> new Command.Help();
            case "start" -> switch (args.length) {
                case 1 -> new Command.Start(Optional.empty());
                case 2 -> ServiceName.parse(args[1])
                        .<Command>map(service -> new Command.Start(Optional.of(service)))
                        .orElse(new Command.Invalid("unknown service \"" + args[1] + "\"; expected one of "
                                + ServiceName.choices()));
                default -> new Command.Invalid("start takes at most one service");
            };
            case "healthcheck" -> switch (args.length) {
                case 1 -> new Command.HealthCheck(Optional.empty());
                case 2 -> ServiceName.parse(args[1])
                        .<Command>map(service -> new Command.HealthCheck(Optional.of(service)))
                        .orElse(new Command.Invalid("unknown service \"" + args[1] + "\"; expected one of "
                                + ServiceName.choices()));
                default -> new Command.Invalid("healthcheck takes at most one service");
            };
            default -> new Command.Invalid("unknown command \"" + args[0] + "\"");
        };
    }

    public static void main(String[] args) throws InterruptedException {
        switch (parse(args)) {
            case Command.Help ignored -> System.out.println(USAGE);
            case Command.Invalid invalid -> {
                System.err.println("agent-forge: " + invalid.reason());
                System.err.println(USAGE);
                System.exit(2);
            }
            case Command.Start start -> start(start.service());
            case Command.HealthCheck check -> System.exit(healthCheck(check.service()));
        }
    }

    /**
     * The container health check: asks each service on its configured port of this host. Exit 0 when every one
     * answers 200 (healthy or degraded), 1 when one answers 503 or not at all within 3 s, 2 for a configuration error.
     */
    private static int healthCheck(Optional<ServiceName> named) {
        var config = configOrExit();
        var services = services(named, config);
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        int exit = 0;
        for (var service : services) {
            var url = URI.create("http://127.0.0.1:" + config.port(service) + "/health");
            String outcome;
            try {
                var response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                outcome = response.statusCode() + " " + response.body();
                if (response.statusCode() != 200) {
                    exit = 1;
                }
            } catch (IOException e) {
                outcome = "no answer: " + e;
                exit = 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            System.out.println(service.id() + " " + url + " -> " + outcome);
        }
        return exit;
    }

    /** The configuration from the environment; a malformed variable ends the process with code 2. */
    private static AgentForgeConfig configOrExit() {
        try {
            return AgentForgeConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            exitOnConfigError(e);
            throw e; // not reached
        }
    }

    private static void exitOnConfigError(ConfigException e) {
        System.err.println("agent-forge: " + e.getMessage());
        System.exit(2);
    }

    /** The service named on the command line, else {@code SERVICE_NAME}'s, else all five. */
    private static List<ServiceName> services(Optional<ServiceName> named, AgentForgeConfig config) {
        return named.or(config::serviceName).map(List::of).orElse(Wiring.allServices());
    }

    private static void start(Optional<ServiceName> named) throws InterruptedException {
        var startedAt = System.nanoTime();
        var config = configOrExit();
        var services = services(named, config);

        Wiring wiring;
        try {
            wiring = Wiring.start(config, services);
        } catch (ConfigException e) {
            exitOnConfigError(e);
            return;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("start-up failed", e);
            System.err.println("agent-forge: " + e.getMessage());
            System.exit(1);
            return;
        }

        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            wiring.close();
            LOG.info("stopped");
            stopped.countDown();
        }, "agent-forge-shutdown"));

        System.out.printf("Agent Forge started in %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
        wiring.servers().forEach((service, server) ->
                System.out.printf("  %-11s http://localhost:%d  (/health, /metrics)%n", service, server.port()));
        System.out.println("Ctrl-C stops it.");
        System.out.flush();
        // The servers run on their own threads; this one only waits for the shutdown hook to finish.
        stopped.await();
    }
}
