package io.agentforge.engine.compression;

/**
 * What {@link PackedModel#write} wrote.
 *
 * @param artifactBytes the file's size on disk
 * @param manifestBytes the JSON manifest's share of it
 */
public record PackReport(long artifactBytes, long manifestBytes, Manifest manifest) {

    /** {@code inputBytes / artifactBytes}: both must be file sizes (e.g. the fp32 safetensors of the input model). */
    public double ratio(long inputBytes) {
        return (double) inputBytes / artifactBytes;
    }

    public Manifest.Tensor tensor(String name) {
        return manifest.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("tensor: no tensor named " + name));
    }

    /** Stored bits per weight over the whole payload (manifest and header excluded). */
    public double bitsPerWeight() {
        long stored = manifest.tensors().stream().mapToLong(Manifest.Tensor::storedBytes).sum();
        long elements = manifest.tensors().stream().mapToLong(Manifest.Tensor::elements).sum();
        return 8.0 * stored / elements;
    }
}
