package io.agentforge.models;

import java.nio.file.Path;

/**
 * @param storagePath      the directory of the model artifacts
 * @param maxFileSizeBytes the largest artifact accepted
 */
public record ModelServiceConfig(int port, Path storagePath, long maxFileSizeBytes) {
}
