package io.agentforge.launcher;

import io.agentforge.launcher.config.Variable;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the user's only reference; it must list what the code reads, as it reads it. */
class ReadmeTest {

    @Test
    void configurationTableHasEveryVariableWithItsDefault() throws Exception {
        var readme = Files.readString(Path.of("..", "README.md"));

        for (var variable : Variable.values()) {
            var defaultValue = variable.defaultValue() == null ? "(unset)" : "`" + variable.defaultValue() + "`";
            assertThat(readme).as("README row of %s", variable)
                    .contains("| `" + variable.name() + "` | " + defaultValue + " | " + variable.meaning() + " |");
        }
    }

    @Test
    void showsTheTwoCommands() throws Exception {
        var readme = Files.readString(Path.of("..", "README.md"));

        assertThat(readme).contains("./agent-forge start", "./agent-forge test");
    }
}
