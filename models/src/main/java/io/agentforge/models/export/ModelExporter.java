package io.agentforge.models.export;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.models.ExportManifest;
import io.agentforge.contracts.models.ModelExport;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.models.storage.Directories;
import io.agentforge.models.storage.SafeNames;
import io.agentforge.contracts.models.ModelArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes exports under {@code STORAGE_PATH/exports/}: {@code <export_id>.zip} when compressed, else a directory
 * {@code <export_id>/}. Each holds {@code export_manifest.json} and one folder per model named
 * {@code <name>-v<version>} (unique, as versions are per name), with {@code metadata.json} and
 * {@code training_stats.json} beside the weights when metadata is included.
 */
public final class ModelExporter {
    public static final String MANIFEST = "export_manifest.json";
    public static final String METADATA = "metadata.json";
    public static final String EXPORTS_DIR = "exports";

    private final Path storageRoot;
    private final Path exportsRoot;
    private final long maxExpanded;
    private final Map<String, ExportFormat> formats;

    /**
     * @param maxExpanded the most bytes one model's archive may unpack to
     */
    public ModelExporter(Path storageRoot, long maxExpanded, List<ExportFormat> formats) {
        this.storageRoot = storageRoot.toAbsolutePath().normalize();
        this.exportsRoot = this.storageRoot.resolve(EXPORTS_DIR);
        this.maxExpanded = maxExpanded;
        this.formats = formats.stream().collect(Collectors.toMap(ExportFormat::name, f -> f, (a, b) -> a,
                LinkedHashMap::new));
    }

    /** The formats this service writes: {@code pytorch} and {@code djl}. */
    public static List<ExportFormat> standardFormats() {
        return List.of(new PytorchFormat(), new DjlFormat());
    }

    /**
     * The format of that name.
     *
     * @throws InvalidRequestException naming {@code export_format} and the formats there are
     */
    public ExportFormat format(String name) {
        var format = name == null ? null : formats.get(name);
        if (format == null) {
            throw new InvalidRequestException("export_format", "one of " + String.join(", ", formats.keySet()), name);
        }
        return format;
    }

    /**
     * Exports the models, each read through {@code openArtifact} (which verifies its checksum). Nothing is visible
     * under the export's final name until the whole export is written.
     */
    public ModelExport export(List<ModelMetadata> models, ExportFormat format, boolean includeMetadata,
                              boolean compression, Function<ModelMetadata, InputStream> openArtifact) {
        var exportId = UUID.randomUUID().toString();
        var staging = exportsRoot.resolve(".staging-" + exportId);
        try {
            Files.createDirectories(staging);
            var entries = new ArrayList<ExportManifest.ExportedModel>();
            for (var model : models) {
                var folder = SafeNames.name(model.name()) + "-v" + model.version();
                writeModel(model, format, includeMetadata, openArtifact, staging, staging.resolve(folder));
                entries.add(new ExportManifest.ExportedModel(model.modelId(), model.name(), folder));
            }
            var manifest = new ExportManifest(exportId, Instant.now(), format.name(), entries, entries.size());
            Files.writeString(staging.resolve(MANIFEST), Json.write(manifest));
            if (compression) {
                var zip = exportsRoot.resolve(exportId + ".zip");
                var temp = exportsRoot.resolve("." + exportId + ".zip.tmp");
                try (var out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ModelArchive.pack(staging, Channels.newOutputStream(out));
                    out.force(true);
                }
                Files.move(temp, zip, StandardCopyOption.ATOMIC_MOVE);
                return new ModelExport(manifest, true, relative(zip), Files.size(zip));
            }
            var dir = exportsRoot.resolve(exportId);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            return new ModelExport(manifest, false, relative(dir), sizeOf(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write export " + exportId, e);
        } finally {
            Directories.deleteRecursively(staging);
            Directories.deleteRecursively(exportsRoot.resolve("." + exportId + ".zip.tmp"));
        }
    }

    /**
     * Opens a compressed export.
     *
     * @throws NotFoundException when there is no zip of that id
     */
    public InputStream open(String exportId) {
        var zip = exportsRoot.resolve(SafeNames.id("export_id", exportId) + ".zip");
        try {
            return Files.newInputStream(zip);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("export", exportId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open export " + exportId, e);
        }
    }

    private void writeModel(ModelMetadata model, ExportFormat format, boolean includeMetadata,
                            Function<ModelMetadata, InputStream> openArtifact, Path staging, Path target)
            throws IOException {
        var unpacked = staging.resolve(".unpacked-" + model.modelId());
        Files.createDirectories(unpacked);
        try (var artifact = openArtifact.apply(model)) {
            ModelArchive.unpack(artifact, unpacked, model.modelId(), maxExpanded);
        }
        Files.createDirectories(target);
        format.write(model.modelId(), unpacked, target);
        if (includeMetadata) {
            Files.writeString(target.resolve(METADATA), Json.write(model));
            var stats = unpacked.resolve(ExportFormat.TRAINING_STATS);
            if (Files.isRegularFile(stats)) {
                Files.copy(stats, target.resolve(ExportFormat.TRAINING_STATS));
            }
        }
        Directories.deleteRecursively(unpacked);
    }

    private String relative(Path path) {
        return storageRoot.relativize(path).toString().replace('\\', '/');
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

}
