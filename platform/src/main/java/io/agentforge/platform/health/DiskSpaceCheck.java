package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A directory a service writes to (model artifacts, checkpoints, the embedded database): unhealthy when it cannot be
 * created or written, degraded when its file system has less room than the service needs for its next write.
 */
public final class DiskSpaceCheck implements Supplier<DependencyCheck> {
    private final Path directory;
    private final long minimumFreeBytes;

    /**
     * @param minimumFreeBytes below this much usable space the service is degraded, e.g. the largest upload it accepts
     */
    public DiskSpaceCheck(Path directory, long minimumFreeBytes) {
        this.directory = directory.toAbsolutePath().normalize();
        this.minimumFreeBytes = minimumFreeBytes;
    }

    @Override
    public DependencyCheck get() {
        try {
            // The service will write here anyway; creating it now turns a later write error into a visible check.
            Files.createDirectories(directory);
            if (!Files.isWritable(directory)) {
                return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "the directory is not writable");
            }
            var free = Files.getFileStore(directory).getUsableSpace();
            if (free < minimumFreeBytes) {
                return new DependencyCheck(ServiceStatus.DEGRADED, 0,
                        Bytes.readable(free) + " free, below " + Bytes.readable(minimumFreeBytes));
            }
            // No path in the answer: /health is open to everyone, and the layout of the disk is nobody's business.
            return new DependencyCheck(ServiceStatus.HEALTHY, 0, Bytes.readable(free) + " free");
        } catch (IOException | SecurityException e) {
            return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, "the directory cannot be used: "
                    + e.getClass().getSimpleName());
        }
    }
}
