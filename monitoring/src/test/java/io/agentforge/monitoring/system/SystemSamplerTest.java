package io.agentforge.monitoring.system;

import io.agentforge.monitoring.fixtures.CpuBurner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SystemSamplerTest {
    @TempDir
    Path dataDir;

    @Test
    void cpuUsageSeesCoresKeptBusySinceThePreviousSample() {
        var sampler = new SystemSampler(dataDir, 10);
        sampler.sample();

        CpuBurner.burn(Duration.ofMillis(800));
        var busy = sampler.sample();

        assertThat(busy.cpuUsage()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    }

    @Test
    void sampleTakenRightAfterAnotherKeepsTheLastCpuFigureInsteadOfZero() {
        var sampler = new SystemSampler(dataDir, 10);
        CpuBurner.burn(Duration.ofMillis(500));
        var first = sampler.sample();

        var immediate = sampler.sample();

        assertThat(first.cpuUsage()).isGreaterThan(0.5);
        assertThat(immediate.cpuUsage()).isGreaterThan(0.5);
    }

    @Test
    void memoryUsageMatchesTheKernelsAvailableMemory() throws IOException {
        var meminfo = Files.readAllLines(Path.of("/proc/meminfo"));
        var total = kilobytes(meminfo, "MemTotal:");
        var available = kilobytes(meminfo, "MemAvailable:");

        var metrics = new SystemSampler(dataDir, 10).sample();

        assertThat(metrics.memoryUsage()).isCloseTo(1.0 - (double) available / total, within(0.05));
        assertThat(metrics.memoryUsage()).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void diskUsageIsThatOfTheDataDirectorysFileSystem() throws IOException {
        var store = Files.getFileStore(dataDir);
        var expected = 1.0 - (double) store.getUsableSpace() / store.getTotalSpace();

        var metrics = new SystemSampler(dataDir.resolve("not/created/yet"), 10).sample();

        assertThat(metrics.diskUsage()).isCloseTo(expected, within(0.01)).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void networkCountersAreSummedOverTheMachinesInterfaces() throws IOException {
        long bytesRecvBefore = 0, packetsRecvBefore = 0;
        for (var line : Files.readAllLines(Path.of("/proc/net/dev")).stream().skip(2).toList()) {
            var parts = line.trim().split("[:\\s]+");
            if (!parts[0].equals("lo")) {
                bytesRecvBefore += Long.parseLong(parts[1]);
                packetsRecvBefore += Long.parseLong(parts[2]);
            }
        }

        var io = new SystemSampler(dataDir, 10).sample().networkIo();

        assertThat(io.bytesRecv()).isPositive().isGreaterThanOrEqualTo(bytesRecvBefore);
        assertThat(io.packetsRecv()).isGreaterThanOrEqualTo(packetsRecvBefore);
        assertThat(io.bytesSent()).isPositive();
    }

    @Test
    void historyKeepsTheNewestSamplesOldestFirst() {
        var sampler = new SystemSampler(dataDir, 3);
        var taken = new java.util.ArrayList<io.agentforge.contracts.monitoring.SystemMetrics>();
        for (int i = 0; i < 5; i++) {
            taken.add(sampler.sample());
        }

        assertThat(sampler.history()).containsExactlyElementsOf(taken.subList(2, 5));
        assertThat(sampler.latest()).contains(taken.get(4));
    }

    private static long kilobytes(java.util.List<String> meminfo, String key) {
        return meminfo.stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("\\D+", ""))).orElseThrow();
    }
}
