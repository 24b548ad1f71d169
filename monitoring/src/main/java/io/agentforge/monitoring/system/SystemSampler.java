package io.agentforge.monitoring.system;

import io.agentforge.contracts.monitoring.SystemMetrics;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Samples the machine. CPU usage is the share of non-idle ticks since the previous sample (so the first sample covers
 * the time since construction); disk usage is that of the file system holding the data directory.
 */
public final class SystemSampler {
    private static final int IDLE = CentralProcessor.TickType.IDLE.getIndex();
    private static final int IOWAIT = CentralProcessor.TickType.IOWAIT.getIndex();

    private final HardwareAbstractionLayer hardware;
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final Path dataDir;
    private final int historySize;
    private final ArrayDeque<SystemMetrics> history;
    private long[] previousTicks;
    private double lastCpu;

    public SystemSampler(Path dataDir, int historySize) {
        if (historySize < 1) {
            throw new IllegalArgumentException("historySize must be at least 1");
        }
        this.hardware = new SystemInfo().getHardware();
        this.processor = hardware.getProcessor();
        this.memory = hardware.getMemory();
        this.dataDir = dataDir;
        this.historySize = historySize;
        this.history = new ArrayDeque<>(historySize);
        this.previousTicks = processor.getSystemCpuLoadTicks();
    }

    /** Takes a new sample and adds it to the history. */
    public synchronized SystemMetrics sample() {
        var metrics = new SystemMetrics(cpuUsage(), memoryUsage(), diskUsage(), networkIo(), Instant.now());
        if (history.size() == historySize) {
            history.removeFirst();
        }
        history.addLast(metrics);
        return metrics;
    }

    /** The most recent sample, if any was taken. */
    public synchronized Optional<SystemMetrics> latest() {
        return Optional.ofNullable(history.peekLast());
    }

    /** The kept samples, oldest first. */
    public synchronized List<SystemMetrics> history() {
        return new ArrayList<>(history);
    }

    /**
     * Busy ticks over all ticks since the previous sample. OSHI caches the tick counters for a few hundred
     * milliseconds, so two samples closer than that see no ticks elapse; then the previous figure still stands.
     */
    private double cpuUsage() {
        var ticks = processor.getSystemCpuLoadTicks();
        long total = 0;
        for (int i = 0; i < ticks.length; i++) {
            total += ticks[i] - previousTicks[i];
        }
        if (total <= 0) {
            return lastCpu;
        }
        var idle = ticks[IDLE] - previousTicks[IDLE] + ticks[IOWAIT] - previousTicks[IOWAIT];
        previousTicks = ticks;
        lastCpu = clamp(1.0 - (double) idle / total);
        return lastCpu;
    }

    private double memoryUsage() {
        var total = memory.getTotal();
        return total <= 0 ? 0 : clamp(1.0 - (double) memory.getAvailable() / total);
    }

    private double diskUsage() {
        try {
            var store = Files.getFileStore(existingAncestor(dataDir));
            var total = store.getTotalSpace();
            return total <= 0 ? 0 : clamp(1.0 - (double) store.getUsableSpace() / total);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file system of " + dataDir, e);
        }
    }

    // The data directory may not exist yet on a fresh install; its file system is that of its nearest ancestor.
    private static Path existingAncestor(Path path) {
        var current = path.toAbsolutePath().normalize();
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current == null ? Path.of("/") : current;
    }

    private SystemMetrics.NetworkIo networkIo() {
        long bytesSent = 0, bytesRecv = 0, packetsSent = 0, packetsRecv = 0;
        for (var nic : hardware.getNetworkIFs()) {
            bytesSent += nic.getBytesSent();
            bytesRecv += nic.getBytesRecv();
            packetsSent += nic.getPacketsSent();
            packetsRecv += nic.getPacketsRecv();
        }
        return new SystemMetrics.NetworkIo(bytesSent, bytesRecv, packetsSent, packetsRecv);
    }

    private static double clamp(double value) {
        return Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
    }
}
