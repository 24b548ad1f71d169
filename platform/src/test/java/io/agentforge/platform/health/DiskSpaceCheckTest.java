package io.agentforge.platform.health;

import io.agentforge.contracts.monitoring.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DiskSpaceCheckTest {
    @TempDir
    Path temp;

    @Test
    void writableDirectoryWithRoomIsHealthyAndIsCreatedWhenMissing() {
        var directory = temp.resolve("models/nested");

        var result = new DiskSpaceCheck(directory, 1).get();

        assertThat(result.status()).isEqualTo(ServiceStatus.HEALTHY);
        assertThat(result.detail()).contains("free");
        assertThat(directory).isDirectory();
        assertThat(result.detail()).as("health answers are public: no paths").doesNotContain(temp.toString()).doesNotContain("/");
    }

    @Test
    void lessRoomThanNeededIsDegraded() {
        var result = new DiskSpaceCheck(temp, Long.MAX_VALUE).get();

        assertThat(result.status()).isEqualTo(ServiceStatus.DEGRADED);
        assertThat(result.detail()).contains("below");
    }

    @Test
    void pathThatCannotBeADirectoryIsUnhealthy() throws Exception {
        var file = Files.writeString(temp.resolve("a-file"), "not a directory");

        var result = new DiskSpaceCheck(file.resolve("models"), 1).get();

        assertThat(result.status()).isEqualTo(ServiceStatus.UNHEALTHY);
        assertThat(result.detail()).contains("cannot be used").doesNotContain(temp.toString());
    }
}
