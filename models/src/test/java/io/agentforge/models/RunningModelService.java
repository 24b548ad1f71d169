package io.agentforge.models;

import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Model service as the launcher starts it, for tests: a real database (H2 file or PostgreSQL), the in-process
 * bus, artifacts in a temporary directory and the HTTP server on a free port.
 */
public final class RunningModelService implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Path storage;
    public final Database database;
    public final InProcessEventBus bus;
    public final ModelRegistry registry;
    public final ServiceServer server;

    private RunningModelService(Path storage, Database database, InProcessEventBus bus, ModelRegistry registry,
                                ServiceServer server) {
        this.storage = storage;
        this.database = database;
        this.bus = bus;
        this.registry = registry;
        this.server = server;
    }

    /**
     * @param databaseUrl null for H2 under {@code dir}, else a PostgreSQL {@code DATABASE_URL}
     */
    public static RunningModelService start(Path dir, String databaseUrl, long maxFileSize) {
        var storage = dir.resolve("models");
        var config = new ModelServiceConfig(0, storage, maxFileSize);
        var database = Database.open(databaseUrl, dir.resolve("db"), ModelServer.SCHEMA);
        var bus = new InProcessEventBus();
        var registry = ModelServer.registry(config, database, bus);
        var server = ModelServer.create(config, registry).start();
        return new RunningModelService(storage, database, bus, registry, server);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + server.port() + pathAndQuery);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> upload(String query, byte[] artifact) {
        // Expect: 100-continue, as curl sends for large bodies: a refused upload is answered before it is sent.
        return send(HttpRequest.newBuilder(uri("/models?" + query)).header("Content-Type", "application/zip")
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(artifact)));
    }

    /** Files under the artifact storage, temporary ones included, exports excluded. */
    public List<Path> artifactFiles() {
        if (!Files.exists(storage)) {
            return List.of();
        }
        try (var walk = Files.walk(storage)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !storage.relativize(p).toString().startsWith("exports"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long modelRows() {
        return database.withConnection(c -> {
            try (var s = c.createStatement(); var rows = s.executeQuery("SELECT COUNT(*) FROM models")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Override
    public void close() {
        server.close();
        registry.close();
        bus.close();
        database.close();
    }
}
