package io.agentforge.training.supervisor;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerLaunchTest {

    @Test
    void relativeClassPathEntriesBecomeAbsoluteBecauseWorkersRunInTheirJobDirectory() {
        var classPath = String.join(File.pathSeparator, "launcher/target/agent-forge.jar", "/opt/lib/a.jar", "");

        var absolute = WorkerLaunch.absoluteClassPath(classPath).split(File.pathSeparator);

        assertThat(absolute).containsExactly(
                Path.of("launcher/target/agent-forge.jar").toAbsolutePath().toString(), "/opt/lib/a.jar");
    }
}
