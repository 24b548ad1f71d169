package io.agentforge.bench.models;

import io.agentforge.bench.Wrk;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.PageRequest;
import io.agentforge.contracts.models.ModelQuery;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.models.ModelServer;
import io.agentforge.models.registry.ModelRegistry;
import io.agentforge.contracts.models.ModelArchive;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.web.ServiceServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Model service's three benchmarks in one run, against a real PostgreSQL (embedded, from the jars), the real
 * HTTP server on a free port and real files:
 * <ol>
 *   <li>{@code GET /models?phase=} latency with 100,000 models (seeded with batched SQL inserts; listing reads only
 *   rows, so the seeded models have no artifacts);</li>
 *   <li>upload and download of a 200 MB artifact, against {@code Files.copy} of the same file;</li>
 *   <li>generation tokens/s of the {@code small} preset through {@code POST /models/{id}/generate}.</li>
 * </ol>
 * Each run is appended to {@code bench/results/models.md}. Usage: {@code ModelBenchmarks [models=100000] [requests=5000] [artifactMb=200] [listing,transfer,generation]}.
 */
public final class ModelBenchmarks {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final StringBuilder report = new StringBuilder();

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int models = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int artifactMb = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        var sections = args.length > 3 ? Set.of(args[3].split(",")) : Set.of("listing", "transfer",
                "generation");
        new ModelBenchmarks().run(models, requests, artifactMb, sections);
    }

    private void run(int models, int requests, int artifactMb, Set<String> sections) throws Exception {
        var work = Files.createTempDirectory("models-bench");
        line("# Model service benchmarks, " + Instant.now());
        line("");
        line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        line("Load average at start (the machine is shared): " + loadAverage());
        try (var postgres = EmbeddedPostgres.builder().start()) {
            var url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            var config = new ModelServiceConfig(0, work.resolve("models"), 1L << 30);
            try (var database = Database.open(url, work.resolve("db"), ModelServer.SCHEMA);
                 var bus = new InProcessEventBus();
                 var registry = ModelServer.registry(config, database, bus);
                 var server = ModelServer.create(config, registry).start()) {
                line("PostgreSQL " + database.check().detail());
                line("");
                if (sections.contains("listing")) {
                    listing(database, registry, server, models, requests);
                }
                if (sections.contains("transfer")) {
                    transfer(server, work, artifactMb);
                }
                if (sections.contains("generation")) {
                    generation(server, work);
                }
            }
        }
        line("Load average at end: " + loadAverage());
        // Appended, so that runs on a shared machine can be compared side by side.
        var file = Path.of("bench/results/models.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.append('\n'), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    private void listing(Database database, ModelRegistry registry, ServiceServer server, int models, int requests)
            throws Exception {
        long start = System.nanoTime();
        SeededModels.seed(database, models);
        line("## GET /models?phase= with " + models + " models");
        line("");
        line(String.format(Locale.ROOT, "Seeded in %.1f s (batched INSERTs, then ANALYZE).", seconds(start)));
        var phases = ModelPhase.values();
        // Warm-up: JIT, connection pool, PostgreSQL's caches.
        for (int i = 0; i < 500; i++) {
            get(server, "/models?phase=" + phases[i % phases.length].wireName());
        }
        var http = new long[requests];
        for (int i = 0; i < requests; i++) {
            var path = "/models?phase=" + phases[i % phases.length].wireName();
            long t = System.nanoTime();
            var response = get(server, path);
            http[i] = System.nanoTime() - t;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        var direct = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            registry.models(new ModelQuery(phases[i % phases.length], null, null, null, PageRequest.firstPage()));
            direct[i] = System.nanoTime() - t;
        }
        // The first HTTP pass may pay for PostgreSQL settling after the bulk insert (autovacuum, hint bits on the
        // first reads of fresh rows); a second pass after the in-process one shows whether it did.
        var httpAgain = new long[requests];
        for (int i = 0; i < requests; i++) {
            var path = "/models?phase=" + phases[i % phases.length].wireName();
            long t = System.nanoTime();
            get(server, path);
            httpAgain[i] = System.nanoTime() - t;
        }
        var small = new long[requests / 5];
        for (int i = 0; i < small.length; i++) {
            long t = System.nanoTime();
            get(server, "/models?phase=" + phases[i % phases.length].wireName() + "&limit=1");
            small[i] = System.nanoTime() - t;
        }
        var baseline = new long[requests / 5];
        for (int i = 0; i < baseline.length; i++) {
            long t = System.nanoTime();
            get(server, "/models/winners");
            baseline[i] = System.nanoTime() - t;
        }
        var tagged = new long[requests / 5];
        for (int i = 0; i < tagged.length; i++) {
            long t = System.nanoTime();
            get(server, "/models?phase=" + phases[i % phases.length].wireName() + "&tag=t" + (i % 50));
            tagged[i] = System.nanoTime() - t;
        }
        // The same listing measured from outside this JVM: wrk, one connection, sequential requests rotating over
        // the phases. The JDK client above shares this process's CPU and garbage collector with the server, and its
        // own thread hand-offs are part of every figure it takes, floor included.
        var script = Files.writeString(Files.createTempFile("phases", ".lua"), rotatingPhasesScript(phases));
        var wrk = Wrk.measure(uri(server, "/models").toString(), 20, 1, "-s", script.toString());
        var wrkFloor = Wrk.measure(uri(server, "/models/winners").toString(), 10, 1);
        line("");
        line("Each request returns the newest 50 of the phase's " + models / phases.length
                + " models with tags and the total count; phases rotate; 500 warm-up requests first; one client,"
                + " sequential requests over keep-alive.");
        line("");
        line("| measured | requests | p50 ms | p90 ms | p99 ms | max ms |");
        line("|---|---|---|---|---|---|");
        line(row("HTTP `GET /models?phase=`", http));
        line(row("`ModelRegistry.models` in-process (no HTTP)", direct));
        line(row("HTTP `GET /models?phase=` again, after the in-process pass", httpAgain));
        line(row("HTTP `GET /models?phase=&limit=1` (same queries, one item)", small));
        line(row("HTTP `GET /models/winners` (one indexed query, empty answer: the HTTP floor)", baseline));
        line(row("HTTP `GET /models?phase=&tag=`", tagged));
        line(wrkRow("HTTP `GET /models?phase=` by wrk (one connection, 20 s, separate process)", wrk));
        line(wrkRow("HTTP `GET /models/winners` by wrk (the HTTP floor, one connection, 10 s)", wrkFloor));
        line("");
    }

    /** A wrk script whose requests rotate over the phases, as the JDK-client passes do. */
    private static String rotatingPhasesScript(ModelPhase[] phases) {
        var names = Arrays.stream(phases).map(phase -> "\"" + phase.wireName() + "\"")
                .collect(Collectors.joining(", "));
        return "local phases = {" + names + "}\n"
                + "local i = 0\n"
                + "request = function()\n"
                + "  i = i + 1\n"
                + "  return wrk.format(\"GET\", \"/models?phase=\" .. phases[(i % #phases) + 1])\n"
                + "end\n";
    }

    /** A table row from wrk's figures; its "requests" column is the rate one connection reached. */
    private static String wrkRow(String what, Wrk.Result result) {
        return String.format(Locale.ROOT, "| %s | %,.0f req/s | %.2f | %.2f | %.2f | %.2f |", what,
                result.requestsPerSecond(), result.p50(), result.p90(), result.p99(), result.max());
    }

    private void transfer(ServiceServer server, Path work, int artifactMb) throws Exception {
        var artifact = work.resolve("artifact.bin");
        var random = new Random(1);
        var block = new byte[1 << 20];
        try (var out = Files.newOutputStream(artifact)) {
            for (int i = 0; i < artifactMb; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        long size = Files.size(artifact);
        double mb = size / 1e6;
        var copy = new double[3];
        var upload = new double[3];
        var download = new double[3];
        for (int run = 0; run < 3; run++) {
            var copied = work.resolve("copy-" + run);
            long t = System.nanoTime();
            Files.copy(artifact, copied);
            try (var channel = FileChannel.open(copied, StandardOpenOption.WRITE)) {
                channel.force(true); // the store fsyncs too: compare like with like
            }
            copy[run] = mb / seconds(t);
            Files.delete(copied);

            t = System.nanoTime();
            var created = HTTP.send(HttpRequest.newBuilder(uri(server, "/models?name=bench-artifact&phase=cognate"))
                    .expectContinue(true).POST(HttpRequest.BodyPublishers.ofFile(artifact)).build(),
                    HttpResponse.BodyHandlers.ofString());
            upload[run] = mb / seconds(t);
            if (created.statusCode() != 201) {
                throw new IllegalStateException("upload answered " + created.statusCode() + ": " + created.body());
            }
            var id = Json.mapper().readTree(created.body()).get("data").get("model_id").asText();

            var downloaded = work.resolve("download-" + run);
            t = System.nanoTime();
            var response = HTTP.send(HttpRequest.newBuilder(uri(server, "/models/" + id + "/download")).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(downloaded));
            download[run] = mb / seconds(t);
            if (response.statusCode() != 200 || Files.size(downloaded) != size) {
                throw new IllegalStateException("download answered " + response.statusCode());
            }
            Files.delete(downloaded);
        }
        line("## Upload and download of a " + artifactMb + " MiB artifact");
        line("");
        line("Three runs each, median; same disk, same run. Upload: HTTP POST of the file (Expect: 100-continue),"
                + " sha256 while streaming, fsync, rename, row insert. Download: checksum verified over the whole file"
                + " first, then streamed to a file.");
        line("");
        line("| operation | MB/s (median of 3) | runs |");
        line("|---|---|---|");
        line(rate("plain `Files.copy` + fsync", copy));
        line(rate("upload `POST /models`", upload));
        line(rate("download `GET /models/{id}/download`", download));
        line("");
    }

    private void generation(ServiceServer server, Path work) throws Exception {
        var dir = work.resolve("small");
        String id;
        long parameters;
        try (var model = LanguageModel.initialize(TransformerConfig.small(), 1)) {
            parameters = model.parameterCount();
            ModelExport.save(model, null, dir);
        }
        var zip = work.resolve("small.zip");
        try (var out = Files.newOutputStream(zip)) {
            ModelArchive.pack(dir, out);
        }
        var created = HTTP.send(HttpRequest.newBuilder(uri(server, "/models?name=bench-small&phase=cognate"))
                .POST(HttpRequest.BodyPublishers.ofFile(zip)).build(), HttpResponse.BodyHandlers.ofString());
        id = Json.mapper().readTree(created.body()).get("data").get("model_id").asText();
        var body = "{\"prompt\":\"The quick brown fox \",\"max_tokens\":100,\"temperature\":0.8,\"top_k\":40}";
        long first = System.nanoTime();
        post(server, "/models/" + id + "/generate", body);
        double coldSeconds = seconds(first);
        var rates = new ArrayList<Double>();
        int tokens = 0;
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            long r = System.nanoTime();
            var generation = Json.mapper().readTree(post(server, "/models/" + id + "/generate", body))
                    .get("data");
            rates.add(generation.get("tokens_per_second").asDouble());
            tokens += generation.get("generated_tokens").asInt();
            System.out.printf(Locale.ROOT, "generate: %d tokens, %.0f tokens/s in the model, %.3f s wall%n",
                    generation.get("generated_tokens").asInt(), generation.get("tokens_per_second").asDouble(),
                    seconds(r));
        }
        double wall = tokens / seconds(t);
        // The engine alone on the same files, loaded as the service loads them, with the same settings.
        double direct;
        try (var model = ModelExport.load(dir)) {
            var generator = new TextGenerator(model);
            var prompt = new ByteTokenizer().encode("The quick brown fox ");
            var settings = GenerationSettings.sampling(100, 0.8, 40, 7);
            generator.generate(prompt, settings);
            long d = System.nanoTime();
            int produced = 0;
            for (int i = 0; i < 10; i++) {
                produced += generator.generate(prompt, GenerationSettings.sampling(100, 0.8, 40, i)).length;
            }
            direct = produced / seconds(d);
        }
        line("## Generation, `small` preset (" + parameters + " parameters, context 128)");
        line("");
        line("Prompt of 20 bytes, up to 100 new tokens, temperature 0.8, top-k 40, KV cache; 10 requests after a"
                + " first one that loads the model.");
        line("");
        line("| measured | tokens/s |");
        line("|---|---|");
        line(String.format(Locale.ROOT, "| in the model (median of the responses' `tokens_per_second`) | %.0f |",
                median(rates.stream().mapToDouble(Double::doubleValue).toArray())));
        line(String.format(Locale.ROOT, "| end to end over HTTP (%d tokens / wall time) | %.0f |", tokens, wall));
        line(String.format(Locale.ROOT, "| the engine's `TextGenerator` alone, same settings, 10 runs | %.0f |", direct));
        line(String.format(Locale.ROOT, "| first request, including unzip and load | %.2f s |", coldSeconds));
        line("");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static HttpResponse<String> get(ServiceServer server, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String post(ServiceServer server, String path, String json) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(uri(server, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static URI uri(ServiceServer server, String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String row(String what, long[] nanos) {
        var sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |", what, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static String rate(String what, double[] rates) {
        return String.format(Locale.ROOT, "| %s | %.0f | %s |", what, median(rates),
                Arrays.stream(rates).mapToObj(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
    }

    private static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private void line(String text) {
        report.append(text).append('\n');
        System.out.println(text);
    }
}
