package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import io.agentforge.cli.server.ApiException;
import io.agentforge.cli.server.ForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code forge models list|show|lineage|download|export|delete}: the model registry. */
@Command(name = "models", description = "The registered models: list, inspect, trace, download, export, delete.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Lineage.class,
                ModelsCommand.Download.class, ModelsCommand.Export.class, ModelsCommand.Delete.class})
public final class ModelsCommand {

    @Command(name = "list", description = "Models, newest first, with totals.")
    static final class ListModels implements Callable<Integer> {
        private final Context context;

        @Option(names = "--phase", paramLabel = "<phase>")
        String phase;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|ndjson")
        Output output;

        ListModels(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var query = new LinkedHashMap<String, Object>();
            query.put("phase", phase);
            query.put("limit", limit);
            var listing = context.api().get("/models" + ForgeClient.query(query));
            var data = output == Output.NDJSON ? listing.path("items") : listing;
            Output.show(data, output, context.out(), out -> {
                var table = new Table("MODEL", "NAME", "PHASE", "VERSION", "PARAMETERS", "SIZE", "WINNER", "CREATED");
                listing.path("items").forEach(model -> table.row(model.path("model_id").asText(),
                        model.path("name").asText(), model.path("phase").asText(), model.path("version").asInt(),
                        model.path("parameters").path("parameter_count").asText("-"),
                        size(model.path("file_size").asLong()), model.path("is_winner").asBoolean() ? "yes" : "",
                        model.path("created_at").asText()));
                table.print(out);
                var summary = listing.path("summary");
                out.println(listing.path("total").asLong() + " models, " + summary.path("total_parameters").asLong()
                        + " parameters, " + size(summary.path("total_size_bytes").asLong()));
            });
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "show", description = "One model's metadata, metrics and parameters.")
    static final class Show implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<model>")
        String modelId;

        @Option(names = {"-o", "--output"}, defaultValue = "json", paramLabel = "json|ndjson")
        Output output;

        Show(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Output.print(context.api().get("/models/" + modelId), output == Output.TABLE ? Output.JSON : output,
                    context.out());
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "lineage", description = "The models this one was derived from, and those derived from it.")
    static final class Lineage implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<model>")
        String modelId;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
        Output output;

        Lineage(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var lineage = context.api().get("/models/" + modelId + "/lineage");
            Output.show(lineage, output, context.out(), out -> {
                out.println(describe(context.api().get("/models/" + modelId)));
                print("  derived from", lineage.path("parent_model_ids"));
                print("  derived into", lineage.path("child_model_ids"));
            });
            return ExitCodes.COMPLETED;
        }

        private void print(String label, JsonNode ids) {
            if (ids.isEmpty()) {
                context.out().println(label + ": nothing");
            }
            for (var id : ids) {
                String text;
                try {
                    text = describe(context.api().get("/models/" + id.asText()));
                } catch (ApiException e) {
                    text = id.asText() + " (" + (e.status() == 404 ? "deleted" : e.getMessage()) + ")";
                }
                context.out().println(label + ": " + text);
            }
        }

        private static String describe(JsonNode model) {
            return model.path("model_id").asText() + "  " + model.path("name").asText() + " v"
                    + model.path("version").asInt() + "  (" + model.path("phase").asText() + ")";
        }
    }

    @Command(name = "download", description = "Download a model's artifact and check its SHA-256 against the server's.")
    static final class Download implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<model>")
        String modelId;

        @Option(names = "--to", paramLabel = "<file>", description = "Where to write it (default <name>-v<version>.zip).")
        Path target;

        Download(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var model = context.api().get("/models/" + modelId);
            var file = target != null ? target : Path.of(model.path("name").asText("model") + "-v"
                    + model.path("version").asInt() + ".zip");
            context.api().download("/models/" + modelId + "/download", file);
            var actual = sha256(file);
            var expected = model.path("checksum").asText();
            if (!actual.equalsIgnoreCase(expected)) {
                context.err().println("forge: " + file + " has SHA-256 " + actual + ", the server says " + expected);
                return ExitCodes.FAILED;
            }
            context.out().println(file + "  " + size(model.path("file_size").asLong()) + "  sha256 " + actual);
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "export", description = "Export models in one archive (pytorch: safetensors + config.json, or djl).")
    static final class Export implements Callable<Integer> {
        private final Context context;

        @Parameters(paramLabel = "<model>", arity = "1..*")
        List<String> modelIds;

        @Option(names = "--format", defaultValue = "pytorch", paramLabel = "pytorch|djl")
        String format;

        @Option(names = "--no-metadata", description = "Leave the metadata files out.")
        boolean noMetadata;

        @Option(names = "--to", paramLabel = "<file>", description = "Download the export's zip to this file.")
        Path target;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
        Output output;

        Export(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            var request = new LinkedHashMap<String, Object>();
            request.put("model_ids", modelIds);
            request.put("export_format", format);
            request.put("include_metadata", !noMetadata);
            request.put("compression", true);
            var result = context.api().post("/models/export", request);
            var manifest = result.path("export").path("manifest");
            if (target != null && result.path("download_url").isTextual()) {
                context.api().download(result.path("download_url").asText(), target);
            }
            Output.show(result, output, context.out(), out -> out.println("export "
                    + manifest.path("export_id").asText() + ": " + manifest.path("total_models").asInt()
                    + " models as " + manifest.path("format").asText() + ", "
                    + size(result.path("export").path("size_bytes").asLong())
                    + (target != null ? ", written to " + target : ", download: forge models export ... --to <file>")));
            return ExitCodes.COMPLETED;
        }
    }

    @Command(name = "delete", description = "Delete a model and its files.")
    static final class Delete implements Callable<Integer> {
        private final Context context;

        @Parameters(index = "0", paramLabel = "<model>")
        String modelId;

        Delete(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            context.api().delete("/models/" + modelId);
            context.out().println("deleted model " + modelId);
            return ExitCodes.COMPLETED;
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        var units = "KMGT";
        var value = (double) bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.length() - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %siB", value, units.charAt(unit));
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            var digest = MessageDigest.getInstance("SHA-256");
            var buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
