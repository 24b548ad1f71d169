package io.agentforge.models.storage;

/**
 * An artifact that is durably on disk.
 *
 * @param filePath relative to the storage root, e.g. {@code cognate/<model_id>/model.zip}
 * @param size     bytes
 * @param sha256   lower-case hex
 */
public record StoredArtifact(String filePath, long size, String sha256) {
}
