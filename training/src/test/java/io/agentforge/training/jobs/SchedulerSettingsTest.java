package io.agentforge.training.jobs;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerSettingsTest {

    @Test
    void jobDirectoriesAreAbsoluteBecauseWorkersRunInsideThem() {
        var settings = SchedulerSettings.defaults(1, Path.of("data"));

        assertThat(settings.jobDir("j1")).isAbsolute().isEqualTo(Path.of("data", "jobs", "j1").toAbsolutePath());
    }
}
